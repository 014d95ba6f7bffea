# The dependency set (see third_party/README.md). Every package is found with find_package as
# Debian 12 installs it; where a package config is missing (other distributions, the GPU machine
# with carried headers), a small fallback below builds an equivalent imported target from the
# headers and libraries it can find. Nothing is downloaded.

include(MorphaeusTorch)
string(APPEND CMAKE_CXX_FLAGS " ${TORCH_CXX_FLAGS}")

# --- yaml-cpp -------------------------------------------------------------------------------
find_package(yaml-cpp QUIET)
if(NOT TARGET yaml-cpp)
  find_path(YAMLCPP_INCLUDE_DIR yaml-cpp/yaml.h REQUIRED)
  find_library(YAMLCPP_LIBRARY yaml-cpp REQUIRED)
  add_library(yaml-cpp UNKNOWN IMPORTED)
  set_target_properties(yaml-cpp PROPERTIES IMPORTED_LOCATION "${YAMLCPP_LIBRARY}"
                        INTERFACE_INCLUDE_DIRECTORIES "${YAMLCPP_INCLUDE_DIR}")
endif()

# --- fmt + spdlog -----------------------------------------------------------------------------
find_package(fmt QUIET)
find_package(spdlog QUIET)
if(NOT TARGET spdlog::spdlog)
  find_path(SPDLOG_INCLUDE_DIR spdlog/spdlog.h REQUIRED)
  add_library(spdlog::spdlog INTERFACE IMPORTED)
  set_target_properties(spdlog::spdlog PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${SPDLOG_INCLUDE_DIR}"
                        INTERFACE_COMPILE_DEFINITIONS "SPDLOG_HEADER_ONLY")
endif()

# The PyTorch wheel ships fmt's headers (fmt 12 in torch 2.15) beside LibTorch's, ahead of the
# system's on every include line; spdlog was built against the system's fmt (Debian: fmt 9), whose
# API the newer one dropped. Our code sees only the fmt spdlog was built with: a folder in the
# build tree holding just a link to it, put before every other include folder. LibTorch's own
# headers that include fmt (c10d's) compile against either.
if(TARGET fmt::fmt AND (EXISTS "${MORPHAEUS_TORCH_PREFIX}/include/fmt/base.h" OR
                        EXISTS "${MORPHAEUS_TORCH_PREFIX}/include/fmt/core.h"))
  get_target_property(_fmt_includes fmt::fmt INTERFACE_INCLUDE_DIRECTORIES)
  foreach(_dir IN LISTS _fmt_includes)
    if(EXISTS "${_dir}/fmt/core.h")
      set(_shim "${CMAKE_BINARY_DIR}/include-fmt")
      file(MAKE_DIRECTORY "${_shim}")
      file(CREATE_LINK "${_dir}/fmt" "${_shim}/fmt" SYMBOLIC)
      include_directories(BEFORE SYSTEM "${_shim}")
      message(STATUS "MorphAEus fmt: ${_dir}/fmt (spdlog's) before LibTorch's own copy")
      break()
    endif()
  endforeach()
endif()

# --- CLI11 (header only) ----------------------------------------------------------------------
find_package(CLI11 QUIET CONFIG)
if(NOT TARGET CLI11::CLI11)
  find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
  add_library(CLI11::CLI11 INTERFACE IMPORTED)
  set_target_properties(CLI11::CLI11 PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${CLI11_INCLUDE_DIR}")
endif()

# --- nlohmann_json (header only) --------------------------------------------------------------
find_package(nlohmann_json QUIET CONFIG)
if(NOT TARGET nlohmann_json::nlohmann_json)
  find_path(NLOHMANN_INCLUDE_DIR nlohmann/json.hpp REQUIRED)
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  set_target_properties(nlohmann_json::nlohmann_json PROPERTIES
                        INTERFACE_INCLUDE_DIRECTORIES "${NLOHMANN_INCLUDE_DIR}")
endif()

# --- OpenCV (optional: image IO; the GPU build goes without) ----------------------------------
set(MORPHAEUS_HAVE_OPENCV OFF)
if(MORPHAEUS_WITH_OPENCV)
  find_package(OpenCV QUIET COMPONENTS core imgproc imgcodecs)
  if(OpenCV_FOUND)
    set(MORPHAEUS_HAVE_OPENCV ON)
  else()
    message(WARNING "OpenCV not found: building without PNG/JPEG image IO")
  endif()
endif()

# --- DCMTK (optional: DICOM input) -------------------------------------------------------------
set(MORPHAEUS_HAVE_DCMTK OFF)
if(MORPHAEUS_WITH_DCMTK)
  find_package(DCMTK QUIET CONFIG)
  if(TARGET DCMTK::dcmdata AND TARGET DCMTK::dcmjpeg AND TARGET DCMTK::dcmjpls)
    set(MORPHAEUS_HAVE_DCMTK ON)
  else()
    message(WARNING "DCMTK not found: building without DICOM input")
  endif()
endif()

# --- zlib (optional: NIfTI input, .nii and .nii.gz) -----------------------------------------
set(MORPHAEUS_HAVE_ZLIB OFF)
find_package(ZLIB QUIET)
if(ZLIB_FOUND)
  set(MORPHAEUS_HAVE_ZLIB ON)
else()
  message(WARNING "zlib not found: building without NIfTI input")
endif()

find_package(Threads REQUIRED)

# --- GoogleTest -------------------------------------------------------------------------------
if(MORPHAEUS_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

message(STATUS "MorphAEus deps: Torch ${Torch_VERSION}, OpenCV ${MORPHAEUS_HAVE_OPENCV}, DCMTK ${MORPHAEUS_HAVE_DCMTK}, zlib ${MORPHAEUS_HAVE_ZLIB}")
