// The fused eval-mode BatchNorm + swish (models/batch_norm_swish) against LibTorch's two ops in
// float64.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/base/mixed_precision.h"
#include "models/batch_norm.h"
#include "models/batch_norm_swish.h"

namespace morphaeus {
namespace {

// BatchNorm in eval mode + swish in one pass (models/batch_norm_swish) against LibTorch's two ops
// in float64 on the same (upcast) values: output and the gradients of x, weight and bias, for
// contiguous and channels_last tensors in float32 and bfloat16; the same bits for 1 and 2
// threads; train mode, ReLU and an installed BatchNorm override take the two ops.
TEST(BatchNormSwish, EqualsBatchNormThenSiluInFloat64) {
  torch::manual_seed(3);
  torch::nn::BatchNorm2d bn(torch::nn::BatchNorm2dOptions(24));
  {
    torch::NoGradGuard no_grad;
    bn->weight.uniform_(-1.5, 1.5);
    bn->bias.uniform_(-1, 1);
    bn->running_mean.uniform_(-2, 2);
    bn->running_var.uniform_(0.05, 3);
  }
  bn->eval();
  const Activation swish = autoencoderActivation("swish");
  for (const auto dtype : {torch::kFloat, torch::kBFloat16}) {
    for (const bool cl : {false, true}) {
      SCOPED_TRACE(std::string(dtype == torch::kFloat ? "float32" : "bfloat16") +
                   (cl ? " channels_last" : " contiguous"));
      auto x = (torch::randn({3, 24, 13, 17}) * 4).to(dtype);  // odd sizes: vector tails
      if (cl) x = x.contiguous(at::MemoryFormat::ChannelsLast);
      x.requires_grad_(true);
      const auto dy = torch::randn({3, 24, 13, 17}).to(dtype);
      ASSERT_TRUE(fusedBatchNormSwishApplies(*bn, swish, x));
      bn->weight.mutable_grad() = torch::Tensor();
      bn->bias.mutable_grad() = torch::Tensor();
      const auto y = normThenActivate(bn.get(), swish, x);
      EXPECT_EQ(y.scalar_type(), dtype);
      EXPECT_EQ(y.suggest_memory_format(), x.suggest_memory_format());
      y.backward(dy);
      // Reference: LibTorch's batch_norm + silu in float64 on the same values.
      auto xd = x.detach().to(torch::kDouble).contiguous().requires_grad_(true);
      auto wd = bn->weight.detach().to(torch::kDouble).requires_grad_(true);
      auto bd = bn->bias.detach().to(torch::kDouble).requires_grad_(true);
      const auto yd = torch::silu(torch::batch_norm(xd, wd, bd, bn->running_mean.to(torch::kDouble),
                                                    bn->running_var.to(torch::kDouble), false, 0.1,
                                                    bn->options.eps(), false));
      yd.backward(dy.to(torch::kDouble));
      // Errors relative to the largest value: float32 a few ulps of the element work and of the
      // channel sums over 663 elements; bfloat16 results are rounded to 8 bits (2^-9), its sums
      // are taken in float32 from the rounded inputs as the reference's are.
      const bool f32 = dtype == torch::kFloat;
      const double elem = f32 ? 2e-6 : 4e-3, sum = f32 ? 2e-5 : 1e-4;
      const auto err = [](const torch::Tensor& a, const torch::Tensor& ref) {
        return ((a.to(torch::kDouble) - ref).abs().max() / ref.abs().max()).item<double>();
      };
      EXPECT_LT(err(y.detach(), yd.detach()), elem);
      EXPECT_LT(err(x.grad(), xd.grad()), elem);
      EXPECT_LT(err(bn->bias.grad(), bd.grad()), sum);
      EXPECT_LT(err(bn->weight.grad(), wd.grad()), sum);
      // The same bits with one and two threads (fixed-order channel sums).
      const int threads = at::get_num_threads();
      std::vector<torch::Tensor> runs;
      for (const int t : {1, 2}) {
        at::set_num_threads(t);
        auto xt = x.detach().clone().requires_grad_(true);
        bn->weight.mutable_grad() = torch::Tensor();
        normThenActivate(bn.get(), swish, xt).backward(dy);
        runs.push_back(torch::cat({xt.grad().flatten().to(torch::kFloat), bn->weight.grad()}));
      }
      at::set_num_threads(threads);
      EXPECT_TRUE(torch::equal(runs[0], runs[1]));
    }
  }
  // Saturated inputs stay finite: silu(-200) = -0, silu(200) = 200.
  auto far = torch::tensor({-200.0f, -90.0f, 0.0f, 90.0f, 200.0f}).view({1, 1, 1, 5});
  torch::nn::BatchNorm2d one(torch::nn::BatchNorm2dOptions(1).eps(0));
  one->eval();
  const auto y = normThenActivate(one.get(), swish, far);
  EXPECT_TRUE(torch::allclose(y, torch::silu(far), 1e-6, 1e-30)) << y;

  const auto x = torch::randn({2, 24, 4, 4});
  EXPECT_FALSE(fusedBatchNormSwishApplies(*bn, autoencoderActivation("relu"), x));
  EXPECT_FALSE(fusedBatchNormSwishApplies(*bn, swish, x.to(torch::kDouble)));
  setBatchNormOverride(
      [](torch::nn::BatchNorm2dImpl& m, const torch::Tensor& t) { return m.forward(t); });
  EXPECT_FALSE(fusedBatchNormSwishApplies(*bn, swish, x));
  setBatchNormOverride({});
  bn->train();
  EXPECT_FALSE(fusedBatchNormSwishApplies(*bn, swish, x));
  EXPECT_TRUE(torch::allclose(normThenActivate(bn.get(), swish, x), torch::silu(bn->forward(x))));
  bn->eval();
}

}  // namespace
}  // namespace morphaeus
