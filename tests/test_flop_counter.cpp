// The FLOPs `morphaeus bench` reports (core/commands/bench/flop_counter: counted from the
// operators' shapes) against the arithmetic derived from each result's own shape and against
// PyTorch module hooks on the reference model.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/base/mixed_precision.h"
#include "core/commands/bench/flop_counter.h"
#include "core/config/yaml_loader.h"
#include "core/registry/model_factory.h"
#include "models/reconstruction.h"
#include "tests/test_support.h"

namespace morphaeus {
namespace {

using test::makeTempDir;
using test::runCommand;
using test::sourcePath;
using test::writeText;

// 2 x multiply-adds of a convolution, from its output: every output element sums
// C_in / groups x kernel taps products.
double convFlopsFromOutput(const torch::Tensor& out, const torch::Tensor& weight, int64_t groups,
                           bool transposed, const torch::Tensor& input) {
  const double taps = static_cast<double>(weight.size(2) * weight.size(3));
  if (transposed)  // every input element meets C_out / groups x taps outputs
    return 2.0 * static_cast<double>(input.numel()) * static_cast<double>(weight.size(1)) * taps;
  return 2.0 * static_cast<double>(out.numel()) * static_cast<double>(weight.size(1)) * taps;
}

TEST(FlopCounter, ConvolutionsCountWhatTheirOutputShapesSay) {
  torch::manual_seed(0);
  struct Case {
    int64_t cin, cout, k, stride, pad, dil, groups, hw;
    bool transposed;
  };
  for (const Case& c : {Case{3, 8, 3, 1, 1, 1, 1, 17, false}, Case{8, 16, 3, 2, 1, 1, 1, 16, false},
                        Case{8, 8, 3, 1, 2, 2, 4, 15, false}, Case{6, 4, 5, 3, 0, 1, 2, 20, false},
                        Case{8, 4, 3, 2, 1, 1, 1, 9, true}, Case{4, 6, 4, 2, 1, 1, 2, 7, true}}) {
    const auto x = torch::randn({2, c.cin, c.hw, c.hw});
    const auto w = c.transposed ? torch::randn({c.cin, c.cout / c.groups, c.k, c.k})
                                : torch::randn({c.cout, c.cin / c.groups, c.k, c.k});
    torch::Tensor y;
    double counted = 0;
    {
      const FlopCounter counter;
      torch::NoGradGuard no_grad;
      y = c.transposed ? torch::conv_transpose2d(x, w, {}, c.stride, c.pad, 0, c.groups, c.dil)
                       : torch::conv2d(x, w, {}, c.stride, c.pad, c.dil, c.groups);
      counted = counter.flops();
    }
    const double expected = convFlopsFromOutput(y, w, c.groups, c.transposed, x);
    EXPECT_EQ(counted, expected) << "cin " << c.cin << " k " << c.k << " transposed "
                                 << c.transposed;
    // Backward: one forward's worth per gradient computed (input, weight).
    for (const bool weight_grad : {true, false}) {
      const auto xi = x.clone().requires_grad_(true);
      const auto wi = w.clone().requires_grad_(weight_grad);
      const auto yi = c.transposed
                          ? torch::conv_transpose2d(xi, wi, {}, c.stride, c.pad, 0, c.groups, c.dil)
                          : torch::conv2d(xi, wi, {}, c.stride, c.pad, c.dil, c.groups);
      const FlopCounter counter;
      yi.sum().backward();
      EXPECT_EQ(counter.flops(), expected * (weight_grad ? 2 : 1));
    }
  }
}

TEST(FlopCounter, MatrixProductsAndNothingElementWise) {
  const auto a = torch::randn({5, 7}), b = torch::randn({7, 3}), bias = torch::randn({3});
  const auto ba = torch::randn({4, 5, 7}), bb = torch::randn({4, 7, 3});
  const FlopCounter counter;
  (void)torch::mm(a, b);
  (void)torch::addmm(bias, a, b);
  (void)torch::bmm(ba, bb);
  (void)torch::silu(a).add_(1).mul_(2);  // element-wise: not counted
  EXPECT_EQ(counter.flops(), 2.0 * 5 * 7 * 3 * 2 + 2.0 * 4 * 5 * 7 * 3);
}

// The MorphAEus forward (paper architecture) counted by our counter equals the count of PyTorch
// forward hooks on the reference model's Conv2d/ConvTranspose2d layers.
TEST(FlopCounter, MorphAEusForwardMatchesHooksOnTheReferenceModel) {
  const std::string d = makeTempDir("flops");
  writeText(d + "/count.py", R"(import sys, torch
sys.path.insert(0, sys.argv[1])
import morphaeus_reference as ref
model = ref.MorphAEus().eval()
total = [0]
def hook(m, inp, out):
    x, k = inp[0], m.kernel_size[0] * m.kernel_size[1]
    if isinstance(m, torch.nn.ConvTranspose2d):
        total[0] += 2 * x.numel() * (m.out_channels // m.groups) * k
    else:
        total[0] += 2 * out.numel() * (m.in_channels // m.groups) * k
for m in model.modules():
    if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d)):
        m.register_forward_hook(hook)
with torch.no_grad():
    model(torch.rand(2, 1, 128, 128))
print(total[0])
)");
  const auto r = runCommand("/usr/bin/python3 " + d + "/count.py " + sourcePath("tests/python"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const double reference = std::stod(r.out);

  const ConfigNode config =
      loadYamlFile(sourcePath("projects/morphaeus/configs/cxr/morphaeus.yaml"));
  const auto model = buildModel(config.at("model"));  // the paper's architecture
  model->eval();
  torch::NoGradGuard no_grad;
  const FlopCounter counter;
  (void)reconstruct(*model, torch::rand({2, 1, 128, 128}));
  EXPECT_EQ(counter.flops(), reference);
  EXPECT_GT(reference, 1e9);  // about 1.06 GFLOP per image
}

}  // namespace
}  // namespace morphaeus
