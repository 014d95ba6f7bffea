# Warnings and sanitizers applied to our own targets (never to third-party code).
option(MORPHAEUS_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

function(morphaeus_target_defaults target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>)
  if(MORPHAEUS_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
