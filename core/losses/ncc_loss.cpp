#include "core/losses/ncc_loss.h"

namespace morphaeus {

torch::Tensor nccLoss(const torch::Tensor& a, const torch::Tensor& b, int64_t window) {
  TORCH_CHECK(a.dim() == 4 && a.sizes() == b.sizes(), "nccLoss: expected two equal [N, C, H, W] tensors");
  const int64_t channels = a.size(1);
  // Upstream's filter sums over the channels too: ones [1, C, w, w].
  const auto filt = torch::ones({1, channels, window, window}, a.options());
  const int64_t pad = window / 2;
  auto sum = [&](const torch::Tensor& t) {
    return torch::conv2d(t, filt, {}, /*stride=*/1, /*padding=*/pad);
  };
  const auto s_a = sum(a), s_b = sum(b), s_aa = sum(a * a), s_bb = sum(b * b), s_ab = sum(a * b);
  const double n = static_cast<double>(window * window);
  const auto u_a = s_a / n, u_b = s_b / n;
  const auto cross = s_ab - u_b * s_a - u_a * s_b + u_a * u_b * n;
  const auto var_a = s_aa - 2 * u_a * s_a + u_a * u_a * n;
  const auto var_b = s_bb - 2 * u_b * s_b + u_b * u_b * n;
  const auto cc = cross * cross / (torch::clamp(var_a * var_b, 0) + 1e-5);
  return 1 - cc.mean();
}

}  // namespace morphaeus
