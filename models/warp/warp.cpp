#include "models/warp/warp.h"

#include <torch/nn/functional/vision.h>

#include <mutex>

#include "core/base/reduced_precision.h"
#include "models/warp/warp_kernels.h"

namespace morphaeus {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

void checkArguments(const torch::Tensor& src, const torch::Tensor& flow) {
  TORCH_CHECK(src.dim() == 4, "warp: src must be [N, C, H, W], got ", src.sizes());
  TORCH_CHECK(flow.dim() == 4 && flow.size(1) == 2, "warp: flow must be [N, 2, H, W], got ",
              flow.sizes());
  TORCH_CHECK(src.size(0) == flow.size(0) && src.size(2) == flow.size(2) &&
                  src.size(3) == flow.size(3),
              "warp: src ", src.sizes(), " and flow ", flow.sizes(), " differ in N, H or W");
  TORCH_CHECK(src.scalar_type() == flow.scalar_type(), "warp: src and flow dtypes differ");
  TORCH_CHECK(src.device() == flow.device(), "warp: src and flow are on different devices");
}

class WarpFunction : public torch::autograd::Function<WarpFunction> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& src,
                               const torch::Tensor& flow) {
    auto s = src.contiguous(), f = flow.contiguous();
    ctx->save_for_backward({s, f});
#ifdef MORPHAEUS_HAVE_CUDA
    if (s.is_cuda()) return warp_kernels::forwardCuda(s, f);
#endif
    return warp_kernels::forwardCpu(s, f);
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto g = grads[0].contiguous();
    const bool need_src = ctx->needs_input_grad(0), need_flow = ctx->needs_input_grad(1);
#ifdef MORPHAEUS_HAVE_CUDA
    if (g.is_cuda()) {
      auto [gs, gf] = warp_kernels::backwardCuda(g, saved[0], saved[1], need_src, need_flow);
      return {gs, gf};
    }
#endif
    auto [gs, gf] = warp_kernels::backwardCpu(g, saved[0], saved[1], need_src, need_flow);
    return {gs, gf};
  }
};

}  // namespace

bool warpHasCuda() {
#ifdef MORPHAEUS_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

torch::Tensor warpNative(const torch::Tensor& src, const torch::Tensor& flow) {
  checkArguments(src, flow);
  const auto type = src.scalar_type();
  if (type != torch::kFloat && type != torch::kDouble) {
    // Reduced precision (autocast): sample in float32, hand back the caller's type.
    return warpNative(src.to(torch::kFloat), flow.to(torch::kFloat)).to(type);
  }
  if (src.is_cuda() && !warpHasCuda()) {
    static std::once_flag once;
    std::call_once(once, [] {
      TORCH_WARN("warp: this build has no CUDA kernel; using the grid_sample path on CUDA");
    });
    return warpGridSample(src, flow);
  }
  return WarpFunction::apply(src, flow);
}

torch::Tensor warpGridSample(const torch::Tensor& src, const torch::Tensor& flow) {
  checkArguments(src, flow);
  namespace F = torch::nn::functional;
  const int64_t h = flow.size(2), w = flow.size(3);
  const auto opts = flow.options().requires_grad(false);
  // The identity grid and the normalisation exactly as upstream's SpatialTransformer.
  const auto rows = torch::arange(h, opts).view({1, h, 1}).expand({1, h, w});
  const auto cols = torch::arange(w, opts).view({1, 1, w}).expand({1, h, w});
  const auto y = 2 * ((rows + flow.select(1, 0)) / static_cast<double>(h - 1) - 0.5);
  const auto x = 2 * ((cols + flow.select(1, 1)) / static_cast<double>(w - 1) - 0.5);
  const auto grid = torch::stack({x, y}, -1);
  return F::grid_sample(src, grid,
                        F::GridSampleFuncOptions()
                            .mode(torch::kBilinear)
                            .padding_mode(torch::kZeros)
                            .align_corners(true));
}

torch::Tensor warp(const torch::Tensor& src, const torch::Tensor& flow, WarpMode mode) {
  if (src.scalar_type() != flow.scalar_type() && (isReducedFloat(src) || isReducedFloat(flow))) {
    // Mixed precision (autocast): promoted to the wider type, as autocast promotes grid_sample.
    const auto type = at::promote_types(src.scalar_type(), flow.scalar_type());
    return warp(src.to(type), flow.to(type), mode);
  }
  return mode == WarpMode::Native ? warpNative(src, flow) : warpGridSample(src, flow);
}

}  // namespace morphaeus
