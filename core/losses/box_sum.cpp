#include "core/losses/box_sum.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <vector>

namespace morphaeus {
namespace {

template <typename T>
void boxSumPlanes(const T* in, T* out, int64_t planes, int64_t h, int64_t w, int64_t pad) {
  at::parallel_for(0, planes, 1, [&](int64_t begin, int64_t end) {
    std::vector<T> rows(static_cast<std::size_t>(w + 2 * pad), T(0));  // zero-padded row sums
    T* r = rows.data() + pad;
    for (int64_t p = begin; p < end; ++p) {
      const T* src = in + p * h * w;
      T* dst = out + p * h * w;
      for (int64_t y = 0; y < h; ++y) {
        const int64_t y0 = std::max<int64_t>(0, y - pad), y1 = std::min<int64_t>(h - 1, y + pad);
        const T* first = src + y0 * w;
        for (int64_t x = 0; x < w; ++x) r[x] = first[x];
        for (int64_t yy = y0 + 1; yy <= y1; ++yy) {
          const T* row = src + yy * w;
          for (int64_t x = 0; x < w; ++x) r[x] += row[x];
        }
        T* o = dst + y * w;
        for (int64_t x = 0; x < w; ++x) o[x] = r[x - pad];
        for (int64_t dx = 1 - pad; dx <= pad; ++dx) {
          const T* shifted = r + dx;
          for (int64_t x = 0; x < w; ++x) o[x] += shifted[x];
        }
      }
    }
  });
}

torch::Tensor boxSumKernel(const torch::Tensor& x, int64_t window) {
  const torch::Tensor in = x.contiguous();
  torch::Tensor out = torch::empty_like(in, at::MemoryFormat::Contiguous);
  const int64_t planes = in.size(0) * in.size(1), h = in.size(2), w = in.size(3);
  AT_DISPATCH_FLOATING_TYPES(in.scalar_type(), "boxSum2d", [&] {
    boxSumPlanes<scalar_t>(in.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), planes, h, w,
                           window / 2);
  });
  return out;
}

struct BoxSumFunction : public torch::autograd::Function<BoxSumFunction> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               int64_t window) {
    ctx->saved_data["window"] = window;
    return boxSumKernel(x, window);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    return {boxSumKernel(grads[0], ctx->saved_data["window"].toInt()), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor boxSum2d(const torch::Tensor& x, int64_t window) {
  TORCH_CHECK(x.dim() == 4 && window % 2 == 1, "boxSum2d: expected [N, C, H, W] and an odd window");
  if (x.device().is_cpu() &&
      (x.scalar_type() == torch::kFloat || x.scalar_type() == torch::kDouble))
    return BoxSumFunction::apply(x, window);
  namespace F = torch::nn::functional;
  const int64_t pad = window / 2;
  auto box = [&](const torch::Tensor& t, std::vector<int64_t> k, std::vector<int64_t> p) {
    return F::avg_pool2d(t, F::AvgPool2dFuncOptions(k).stride(1).padding(p).divisor_override(1));
  };
  return box(box(x, {window, 1}, {pad, 0}), {1, window}, {0, pad});
}

}  // namespace morphaeus
