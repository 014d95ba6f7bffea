# Finds LibTorch: Debian's libtorch-dev (1.13, CPU), the one inside a PyTorch wheel
# (CMAKE_PREFIX_PATH from torch.utils.cmake_prefix_path) or a libtorch archive
# (CMAKE_PREFIX_PATH=/path/to/libtorch). Three things are settled before Torch's own config runs,
# each with one line when it cannot be:
#   - which LibTorch: TorchConfig.cmake looks its libraries up with find_library, which searches
#     the system folders before the LibTorch's own; where a system LibTorch exists too (Debian's),
#     the wheel's headers would be linked against the system's libtorch.so and libc10.so. The
#     LibTorch's own prefix is put first, and the result is checked after;
#   - its CUDA: a LibTorch built for CUDA needs the toolkit's nvcc of the same major version (a
#     minor version apart is fine: CUDA's minor version compatibility);
#   - the GPU architectures: TORCH_CUDA_ARCH_LIST (Torch's variable), 9.0 (H100/H200) unless set,
#     instead of Torch's eleven when it finds no GPU.
# Sets MORPHAEUS_TORCH_PREFIX and MORPHAEUS_TORCH_CUDA_VERSION ("" for a CPU LibTorch).

# --- which LibTorch -----------------------------------------------------------------------------
set(MORPHAEUS_TORCH_PREFIX "")
set(_torch_config_dirs)
if(Torch_DIR)
  list(APPEND _torch_config_dirs "${Torch_DIR}")
endif()
foreach(_p IN LISTS CMAKE_PREFIX_PATH)
  list(APPEND _torch_config_dirs "${_p}/Torch" "${_p}/share/cmake/Torch" "${_p}/lib/cmake/Torch")
endforeach()
foreach(_d IN LISTS _torch_config_dirs)
  if(EXISTS "${_d}/TorchConfig.cmake" AND EXISTS "${_d}/../../../lib")
    get_filename_component(MORPHAEUS_TORCH_PREFIX "${_d}/../../.." ABSOLUTE)
    break()
  endif()
endforeach()
if(MORPHAEUS_TORCH_PREFIX)
  list(PREPEND CMAKE_PREFIX_PATH "${MORPHAEUS_TORCH_PREFIX}")
endif()

# --- its CUDA -----------------------------------------------------------------------------------
# The wheel says it in torch/version.py (cuda = '13.2'), an archive in build-version (2.x+cu132).
set(MORPHAEUS_TORCH_CUDA_VERSION "")
if(EXISTS "${MORPHAEUS_TORCH_PREFIX}/version.py")
  file(STRINGS "${MORPHAEUS_TORCH_PREFIX}/version.py" _line REGEX "^cuda.*= *'")
  if(_line MATCHES "'([0-9]+\\.[0-9]+)'")
    set(MORPHAEUS_TORCH_CUDA_VERSION "${CMAKE_MATCH_1}")
  endif()
elseif(EXISTS "${MORPHAEUS_TORCH_PREFIX}/build-version")
  file(STRINGS "${MORPHAEUS_TORCH_PREFIX}/build-version" _line LIMIT_COUNT 1)
  if(_line MATCHES "\\+cu([0-9]+)([0-9])$")
    set(MORPHAEUS_TORCH_CUDA_VERSION "${CMAKE_MATCH_1}.${CMAKE_MATCH_2}")
  endif()
endif()

# nvcc: CMAKE_CUDA_COMPILER, else CUDACXX, else the toolkit's usual place, else PATH (the same one
# for Torch's config and for our kernels, third_party/cmake/MorphaeusCuda.cmake).
if(MORPHAEUS_WITH_CUDA AND NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX} AND
   EXISTS /usr/local/cuda/bin/nvcc)
  set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
endif()
if(MORPHAEUS_TORCH_CUDA_VERSION)
  set(_nvcc "${CMAKE_CUDA_COMPILER}")
  if(NOT _nvcc AND DEFINED ENV{CUDACXX})
    set(_nvcc "$ENV{CUDACXX}")
  endif()
  if(NOT _nvcc)
    find_program(_nvcc nvcc)
  endif()
  set(_nvcc_version "")
  if(_nvcc)
    execute_process(COMMAND "${_nvcc}" --version OUTPUT_VARIABLE _out ERROR_QUIET)
    if(_out MATCHES "release ([0-9]+\\.[0-9]+)")
      set(_nvcc_version "${CMAKE_MATCH_1}")
    endif()
  endif()
  string(REGEX REPLACE "\\..*" "" _torch_major "${MORPHAEUS_TORCH_CUDA_VERSION}")
  string(REGEX REPLACE "\\..*" "" _nvcc_major "${_nvcc_version}")
  if(NOT _nvcc_version)
    message(FATAL_ERROR "LibTorch at ${MORPHAEUS_TORCH_PREFIX} is built for CUDA "
            "${MORPHAEUS_TORCH_CUDA_VERSION} and needs nvcc ${_torch_major}.x from the CUDA toolkit: "
            "none found (set CUDACXX or CMAKE_CUDA_COMPILER)")
  elseif(NOT _nvcc_major STREQUAL _torch_major)
    message(FATAL_ERROR "LibTorch at ${MORPHAEUS_TORCH_PREFIX} is built for CUDA "
            "${MORPHAEUS_TORCH_CUDA_VERSION}, but ${_nvcc} is CUDA ${_nvcc_version}: a CUDA "
            "${_torch_major}.x toolkit is needed (or the torch wheel built for CUDA ${_nvcc_major})")
  endif()
  set(CMAKE_CUDA_COMPILER "${_nvcc}")
  if(NOT DEFINED TORCH_CUDA_ARCH_LIST AND NOT DEFINED ENV{TORCH_CUDA_ARCH_LIST})
    # A user's CMake-style list becomes Torch's ("80;90a" -> "8.0;9.0a"); else 9.0.
    set(_archs "9.0")
    if(CMAKE_CUDA_ARCHITECTURES)
      set(_archs "")
      foreach(_a IN LISTS CMAKE_CUDA_ARCHITECTURES)
        string(REGEX REPLACE "^([0-9]+)([0-9])([a-z]?)(-real|-virtual)?$" "\\1.\\2\\3" _a "${_a}")
        list(APPEND _archs "${_a}")
      endforeach()
    endif()
    set(TORCH_CUDA_ARCH_LIST "${_archs}" CACHE STRING "GPU architectures (Torch's list: 8.0;9.0 ...)")
  endif()
endif()

find_package(Torch REQUIRED)

# Torch's config turns CMAKE_CUDA_ARCHITECTURES off and keeps its own list in a variable of the old
# FindCUDA module; our kernels (CMake's CUDA language) get the same list: "8.0;9.0+PTX" -> "80;90".
if(MORPHAEUS_TORCH_CUDA_VERSION)
  set(_archs "${TORCH_CUDA_ARCH_LIST}")
  if(NOT _archs)
    set(_archs "$ENV{TORCH_CUDA_ARCH_LIST}")
  endif()
  string(REPLACE " " ";" _archs "${_archs}")
  string(REPLACE "+PTX" "" _archs "${_archs}")
  string(REPLACE "." "" _archs "${_archs}")
  set(CMAKE_CUDA_ARCHITECTURES "${_archs}")
endif()

# The wheel's LibTorch finds its CUDA libraries (site-packages/nvidia/*/lib: cudart, cuBLAS,
# cuDNN, NCCL, ...) only because Python's `import torch` loads them first: libtorch_cuda.so has
# no RUNPATH. A program linking a LibTorch outside the system folders (a wheel's, an archive's,
# whose lib/ holds its CUDA libraries) names its folders itself, as DT_RPATH (which, unlike
# RUNPATH, also serves the libraries' own dependencies), ahead of the system's (an older
# libnccl.so.2 in the CUDA toolkit's folder lacks symbols the wheel's LibTorch needs). Every
# target that links ${TORCH_LIBRARIES} gets it.
if(MORPHAEUS_TORCH_PREFIX AND NOT MORPHAEUS_TORCH_PREFIX MATCHES "^/usr(/lib.*)?$")
  set(_rpath "${MORPHAEUS_TORCH_PREFIX}/lib")
  file(GLOB _wheel_lib_dirs LIST_DIRECTORIES true "${MORPHAEUS_TORCH_PREFIX}/../nvidia/*/lib")
  foreach(_d IN LISTS _wheel_lib_dirs)
    get_filename_component(_d "${_d}" ABSOLUTE)
    string(APPEND _rpath ":${_d}")
  endforeach()
  add_library(morphaeus_torch_runtime INTERFACE)
  target_link_options(morphaeus_torch_runtime INTERFACE "LINKER:--disable-new-dtags"
                      "LINKER:-rpath,${_rpath}")
  list(APPEND TORCH_LIBRARIES morphaeus_torch_runtime)
  message(STATUS "MorphAEus LibTorch runtime folders: ${_rpath}")
endif()

# The check after: every library Torch's config found by name is this LibTorch's.
foreach(_var TORCH_LIBRARY c10_LIBRARY)
  if(${_var} AND MORPHAEUS_TORCH_PREFIX AND NOT "${${_var}}" MATCHES "^${MORPHAEUS_TORCH_PREFIX}/")
    message(FATAL_ERROR "LibTorch at ${MORPHAEUS_TORCH_PREFIX} found ${_var} = ${${_var}}, another "
            "LibTorch's: delete the build folder's CMakeCache.txt and configure again")
  endif()
endforeach()
if(MORPHAEUS_TORCH_CUDA_VERSION)
  message(STATUS "MorphAEus LibTorch: ${Torch_VERSION} at ${TORCH_LIBRARY}, built for CUDA "
          "${MORPHAEUS_TORCH_CUDA_VERSION}, GPU architectures ${TORCH_CUDA_ARCH_LIST}")
else()
  message(STATUS "MorphAEus LibTorch: ${Torch_VERSION} at ${TORCH_LIBRARY}")
endif()
