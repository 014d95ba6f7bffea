// The NCC's box sums (core/losses/box_sum) against a convolution with a ones filter.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/losses/box_sum.h"

namespace morphaeus {
namespace {

// The NCC's box sums against a convolution with a ones filter (zero padding), including planes
// smaller than the window; its gradient is the same box sum of the incoming gradient.
TEST(BoxSum, EqualsAOnesConvolutionAndItsGradient) {
  torch::manual_seed(3);
  for (const auto& shape :
       std::vector<std::vector<int64_t>>{{2, 5, 17, 23}, {1, 1, 4, 3}, {3, 2, 9, 1}}) {
    for (const int64_t window : {1, 3, 9}) {
      const auto x = torch::randn(shape, torch::kDouble);
      const auto ones = torch::ones({1, 1, window, window}, torch::kDouble);
      const auto planes = x.reshape({-1, 1, shape[2], shape[3]});
      const auto expected = torch::conv2d(planes, ones, {}, 1, window / 2).reshape(x.sizes());
      EXPECT_LT((boxSum2d(x, window) - expected).abs().max().item<double>(), 1e-12)
          << window << " " << shape[2] << "x" << shape[3];
      const auto xf = x.to(torch::kFloat);
      EXPECT_LT((boxSum2d(xf, window).to(torch::kDouble) - expected).abs().max().item<double>(),
                1e-5 * window * window);
    }
  }
  const auto x = torch::randn({1, 2, 6, 7}, torch::kDouble).requires_grad_(true);
  const auto w = torch::randn({1, 2, 6, 7}, torch::kDouble);
  const auto g = torch::autograd::grad({(boxSum2d(x, 3) * w).sum()}, {x})[0];
  const auto ones = torch::ones({1, 1, 3, 3}, torch::kDouble);
  const auto expected =
      torch::conv2d(w.reshape({2, 1, 6, 7}), ones, {}, 1, 1).reshape({1, 2, 6, 7});
  EXPECT_LT((g - expected).abs().max().item<double>(), 1e-12);
}

}  // namespace
}  // namespace morphaeus
