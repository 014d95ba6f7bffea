#include "core/losses/ncc_loss.h"

#include "core/base/mixed_precision.h"
#include "core/losses/box_sum.h"

namespace morphaeus {

torch::Tensor nccLoss(const torch::Tensor& a_in, const torch::Tensor& b_in, int64_t window) {
  TORCH_CHECK(a_in.dim() == 4 && a_in.sizes() == b_in.sizes(),
              "nccLoss: expected two equal [N, C, H, W] tensors");
  // Window sums of products cancel badly in bf16: autocast outputs are summed in float32.
  const torch::Tensor a = fullPrecision(a_in), b = fullPrecision(b_in);
  // Upstream's filter sums over the channels too: ones [1, C, w, w].
  auto channels = [](const torch::Tensor& t) { return t.sum(1, /*keepdim=*/true); };
  const auto maps =
      torch::cat({channels(a), channels(b), channels(a * a), channels(b * b), channels(a * b)}, 1);
  const auto sums = boxSum2d(maps, window).unbind(1);
  const auto &s_a = sums[0], &s_b = sums[1], &s_aa = sums[2], &s_bb = sums[3], &s_ab = sums[4];
  const double n = static_cast<double>(window * window);
  const auto u_a = s_a / n, u_b = s_b / n;
  const auto cross = s_ab - u_b * s_a - u_a * s_b + u_a * u_b * n;
  const auto var_a = s_aa - 2 * u_a * s_a + u_a * u_a * n;
  const auto var_b = s_bb - 2 * u_b * s_b + u_b * u_b * n;
  const auto cc = cross * cross / (torch::clamp(var_a * var_b, 0) + 1e-5);
  return 1 - cc.mean();
}

}  // namespace morphaeus
