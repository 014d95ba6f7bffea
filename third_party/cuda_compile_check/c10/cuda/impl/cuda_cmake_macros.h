// Stand-in for the header a CUDA build of LibTorch generates (a CPU-only LibTorch, such as
// Debian's libtorch-dev, ships c10/cuda without it). Used only by the compile-only check of the
// CUDA code (core/CMakeLists.txt, morphaeus_cuda_compile_check); never by a real CUDA build.
#pragma once
#define C10_CUDA_BUILD_SHARED_LIBS
