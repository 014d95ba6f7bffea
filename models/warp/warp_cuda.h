// CUDA launchers of the native warp (raw pointers, contiguous NCHW). Implemented in warp_cuda.cu,
// which needs only the CUDA runtime; warp_cuda_dispatch.cpp adapts them to tensors.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace morphaeus::warp_cuda {

template <typename T>
cudaError_t launchForward(const T* src, const T* flow, T* out, int64_t n, int64_t c, int64_t h,
                          int64_t w, cudaStream_t stream);

// gsrc must be zero-filled (it is accumulated with atomics); either output may be null.
template <typename T>
cudaError_t launchBackward(const T* gout, const T* src, const T* flow, T* gsrc, T* gflow,
                           int64_t n, int64_t c, int64_t h, int64_t w, cudaStream_t stream);

}  // namespace morphaeus::warp_cuda
