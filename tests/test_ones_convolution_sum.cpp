// The NCC's window sums (core/losses/ones_convolution_sum) against LibTorch's own convolution
// with a ones filter: the same float32 values bit for bit, forward and backward, for the shapes
// the NCC sees and odd ones (several channels, planes smaller than the window, other windows).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>

#include "core/losses/ones_convolution_sum.h"

namespace morphaeus {
namespace {

torch::Tensor onesConvolution(const torch::Tensor& x, int64_t window) {
  return torch::conv2d(x, torch::ones({1, x.size(1), window, window}, x.options()), {}, 1,
                       window / 2);
}

struct Shape {
  std::vector<int64_t> sizes;
  int64_t window;
};

const std::vector<Shape> kShapes = {{{16, 1, 128, 128}, 9},  // the paper config's batch
                                    {{8, 1, 128, 128}, 9},  {{4, 3, 37, 50}, 9},
                                    {{2, 2, 5, 7}, 9},      {{3, 1, 64, 64}, 5},
                                    {{1, 1, 9, 1}, 3},      {{2, 4, 19, 33}, 1}};

// Values like the NCC's (squares and products of images in [0, 1] up to a few units), whose
// float32 sums round differently in every other order.
torch::Tensor nccLike(const std::vector<int64_t>& sizes) {
  return (torch::rand(sizes) * 3 + 0.2).square();
}

TEST(OnesConvolutionSum, KernelEqualsLibTorchsConvolutionBitForBit) {
  torch::manual_seed(11);
  for (const Shape& s : kShapes) {
    SCOPED_TRACE(::testing::PrintToString(s.sizes) + " window " + std::to_string(s.window));
    const torch::Tensor base = nccLike(s.sizes);
    const torch::Tensor grad_out = torch::randn({s.sizes[0], 1, s.sizes[2], s.sizes[3]});
    torch::Tensor x_conv = base.clone().requires_grad_(true);
    torch::Tensor x_ours = base.clone().requires_grad_(true);
    const torch::Tensor conv = onesConvolution(x_conv, s.window);
    const torch::Tensor ours = onesConvolutionSum(x_ours, s.window);
    // One channel (the NCC's grey images): the kernel's order is LibTorch's on every ISA tried
    // (AVX-512, AMX, AVX2, none). Several channels: the order oneDNN adds channels in varies with
    // the ISA (taps then channels with AVX-512, not with AVX2); where it differs the check keeps
    // the convolution, and the values below are the same either way.
    const bool kernel = onesConvolutionSumMatches(base.sizes(), s.window);
    if (s.sizes[1] == 1) {
      ASSERT_TRUE(kernel) << "the kernel's order is not this LibTorch's: the NCC would fall back "
                             "to the convolution";
      EXPECT_TRUE(torch::equal(onesConvolutionSumKernel(base, s.window), conv.detach()));
    }
    std::printf("%s window %lld: %s\n", ::testing::PrintToString(s.sizes).c_str(),
                static_cast<long long>(s.window), kernel ? "kernel" : "convolution");
    EXPECT_TRUE(torch::equal(ours, conv)) << (ours - conv).abs().max().item<float>();
    const auto g_conv = torch::autograd::grad({conv}, {x_conv}, {grad_out})[0];
    const auto g_ours = torch::autograd::grad({ours}, {x_ours}, {grad_out})[0];
    EXPECT_TRUE(torch::equal(g_ours, g_conv)) << (g_ours - g_conv).abs().max().item<float>();
  }
}

// The order matters: the sum in another order (the box sum's, or plain float64 rounded to float32)
// differs from the convolution in some pixel of these inputs, so equality above says something.
TEST(OnesConvolutionSum, AnotherSummationOrderRoundsDifferently) {
  torch::manual_seed(12);
  const torch::Tensor x = nccLike({16, 1, 128, 128});
  const torch::Tensor conv = onesConvolution(x, 9);
  const torch::Tensor exact = onesConvolution(x.to(torch::kDouble), 9).to(torch::kFloat);
  EXPECT_FALSE(torch::equal(conv, exact));
  EXPECT_GT((conv != exact).to(torch::kFloat).mean().item<float>(), 0.1f);
}

// Other devices' and dtypes' sums are the convolution itself; the kernel refuses them.
TEST(OnesConvolutionSum, OtherDtypesAreTheConvolutionItself) {
  const torch::Tensor x = torch::rand({2, 1, 12, 12}, torch::kDouble);
  EXPECT_TRUE(torch::equal(onesConvolutionSum(x, 9), onesConvolution(x, 9)));
  EXPECT_THROW(onesConvolutionSumKernel(x, 9), c10::Error);
  EXPECT_THROW(onesConvolutionSum(torch::rand({2, 12, 12}), 9), c10::Error);
}

// The check draws nothing from the global random generator (the training's stream).
TEST(OnesConvolutionSum, CheckingAShapeLeavesTheRandomStreamAlone) {
  torch::manual_seed(5);
  const torch::Tensor expected = torch::rand({4});
  torch::manual_seed(5);
  onesConvolutionSumMatches(std::vector<int64_t>{3, 1, 23, 29}, 7);
  EXPECT_TRUE(torch::equal(torch::rand({4}), expected));
}

}  // namespace
}  // namespace morphaeus
