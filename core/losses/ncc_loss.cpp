#include "core/losses/ncc_loss.h"

#include <array>

#include "core/base/mixed_precision.h"
#include "core/losses/box_sum.h"
#include "core/losses/ones_convolution_sum.h"

namespace morphaeus {
namespace {

// S_a, S_b, S_aa, S_bb, S_ab as upstream computes them: one ones-filter convolution each, its
// values bit for bit (ones_convolution_sum.h: on the CPU a kernel that adds in the convolution's
// order; in float32 also under a bf16 autocast step, as the box sums are).
std::array<torch::Tensor, 5> convolutionSums(const torch::Tensor& a, const torch::Tensor& b,
                                             int64_t window) {
  const AutocastOff full_precision(a.device().type());
  auto sum = [&](const torch::Tensor& t) { return onesConvolutionSum(t, window); };
  return {sum(a), sum(b), sum(a * a), sum(b * b), sum(a * b)};
}

std::array<torch::Tensor, 5> boxSums(const torch::Tensor& a, const torch::Tensor& b,
                                     int64_t window) {
  auto channels = [](const torch::Tensor& t) { return t.sum(1, /*keepdim=*/true); };
  const auto maps =
      torch::cat({channels(a), channels(b), channels(a * a), channels(b * b), channels(a * b)}, 1);
  const auto s = boxSum2d(maps, window).split(1, 1);
  return {s[0], s[1], s[2], s[3], s[4]};
}

}  // namespace

torch::Tensor nccLoss(const torch::Tensor& a_in, const torch::Tensor& b_in, NccWindowSums how,
                      int64_t window) {
  TORCH_CHECK(a_in.dim() == 4 && a_in.sizes() == b_in.sizes(),
              "nccLoss: expected two equal [N, C, H, W] tensors");
  // Window sums of products cancel badly in bf16: autocast outputs are summed in float32.
  const torch::Tensor a = fullPrecision(a_in), b = fullPrecision(b_in);
  const auto [s_a, s_b, s_aa, s_bb, s_ab] =
      how == NccWindowSums::Convolution ? convolutionSums(a, b, window) : boxSums(a, b, window);
  const double n = static_cast<double>(window * window);
  const auto u_a = s_a / n, u_b = s_b / n;
  const auto cross = s_ab - u_b * s_a - u_a * s_b + u_a * u_b * n;
  const auto var_a = s_aa - 2 * u_a * s_a + u_a * u_a * n;
  const auto var_b = s_bb - 2 * u_b * s_b + u_b * u_b * n;
  const auto cc = cross * cross / (torch::clamp(var_a * var_b, 0) + 1e-5);
  return 1 - cc.mean();
}

}  // namespace morphaeus
