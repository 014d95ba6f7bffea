// Device kernels behind warpNative (see warp.h for the semantics).
#pragma once

#include <torch/torch.h>

namespace morphaeus::warp_kernels {

// Sample positions are computed from the flow with the same float rounding as the upstream
// normalise-then-grid_sample path: loc = i + flow, n = 2 * (loc / (H - 1) - 0.5),
// pos = (n + 1) * ((H - 1) / 2). Exact in real arithmetic (pos == loc), and it makes the native
// forward agree with F::grid_sample to the last bit on CPU.
torch::Tensor forwardCpu(const torch::Tensor& src, const torch::Tensor& flow);
// Returns {grad_src, grad_flow}; an undefined tensor where not needed.
std::pair<torch::Tensor, torch::Tensor> backwardCpu(const torch::Tensor& grad_out,
                                                    const torch::Tensor& src,
                                                    const torch::Tensor& flow, bool need_src,
                                                    bool need_flow);

#ifdef MORPHAEUS_HAVE_CUDA
torch::Tensor forwardCuda(const torch::Tensor& src, const torch::Tensor& flow);
std::pair<torch::Tensor, torch::Tensor> backwardCuda(const torch::Tensor& grad_out,
                                                     const torch::Tensor& src,
                                                     const torch::Tensor& flow, bool need_src,
                                                     bool need_flow);
#endif

}  // namespace morphaeus::warp_kernels
