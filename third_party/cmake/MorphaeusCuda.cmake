# CUDA: the warp kernels (models/warp/warp_cuda.cu) need only nvcc and the CUDA runtime, so they
# are compiled whenever nvcc is found -- also on machines without a GPU, where this is a compile
# check. They are linked into the models (MORPHAEUS_HAVE_CUDA) only when LibTorch has CUDA.
set(MORPHAEUS_CUDA_KERNELS OFF)
set(MORPHAEUS_HAVE_CUDA OFF)
if(MORPHAEUS_WITH_CUDA)
  # CMAKE_CUDA_COMPILER's default place is chosen in MorphaeusTorch.cmake (included first).
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES 90)  # H100/H200; override with -DCMAKE_CUDA_ARCHITECTURES=...
    endif()
    enable_language(CUDA)
    set(CMAKE_CUDA_STANDARD 17)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    set(MORPHAEUS_CUDA_KERNELS ON)
    find_package(CUDAToolkit REQUIRED)
    if(TARGET torch_cuda OR TARGET c10_cuda OR TORCH_CUDA_LIBRARIES)
      set(MORPHAEUS_HAVE_CUDA ON)
    endif()
  endif()
endif()
message(STATUS "MorphAEus CUDA: kernels compiled ${MORPHAEUS_CUDA_KERNELS}, linked ${MORPHAEUS_HAVE_CUDA}")
