// Tensor adapters for the CUDA warp kernels (built only with a CUDA-enabled LibTorch).
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>

#include "models/warp/warp_cuda.h"
#include "models/warp/warp_kernels.h"

namespace morphaeus::warp_kernels {
namespace {
void check(cudaError_t err, const char* what) {
  TORCH_CHECK(err == cudaSuccess, what, ": ", cudaGetErrorString(err));
}
}  // namespace

torch::Tensor forwardCuda(const torch::Tensor& src, const torch::Tensor& flow) {
  const c10::cuda::CUDAGuard guard(src.device());
  auto out = torch::empty_like(src);
  const int64_t n = src.size(0), c = src.size(1), h = src.size(2), w = src.size(3);
  auto stream = at::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES(src.scalar_type(), "warp_forward_cuda", [&] {
    check(warp_cuda::launchForward<scalar_t>(src.data_ptr<scalar_t>(), flow.data_ptr<scalar_t>(),
                                             out.data_ptr<scalar_t>(), n, c, h, w, stream),
          "warp forward kernel");
  });
  return out;
}

std::pair<torch::Tensor, torch::Tensor> backwardCuda(const torch::Tensor& grad_out,
                                                     const torch::Tensor& src,
                                                     const torch::Tensor& flow, bool need_src,
                                                     bool need_flow) {
  const c10::cuda::CUDAGuard guard(src.device());
  torch::Tensor gsrc = need_src ? torch::zeros_like(src) : torch::Tensor();
  torch::Tensor gflow = need_flow ? torch::empty_like(flow) : torch::Tensor();
  const int64_t n = src.size(0), c = src.size(1), h = src.size(2), w = src.size(3);
  auto stream = at::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES(src.scalar_type(), "warp_backward_cuda", [&] {
    check(warp_cuda::launchBackward<scalar_t>(
              grad_out.data_ptr<scalar_t>(), src.data_ptr<scalar_t>(), flow.data_ptr<scalar_t>(),
              need_src ? gsrc.data_ptr<scalar_t>() : nullptr,
              need_flow ? gflow.data_ptr<scalar_t>() : nullptr, n, c, h, w, stream),
          "warp backward kernel");
  });
  return {gsrc, gflow};
}

}  // namespace morphaeus::warp_kernels
