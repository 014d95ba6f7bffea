// Close to the machine: the FLOPs `morphaeus bench` reports (counted from the operators' shapes)
// against the arithmetic derived from each result's own shape and against PyTorch module hooks
// on the reference model; the precision decision (`auto`) from CPU flags; the fused Adam against
// torch.optim.Adam run in PyTorch on the same gradients; the NCC's box sums against a convolution;
// the fused eval-mode BatchNorm + swish against LibTorch's two ops in float64.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdlib>
#include <iostream>

#include "core/base/mixed_precision.h"
#include "core/base/precision.h"
#include "core/checkpoint/torch_file_reader.h"
#include "core/commands/bench/flop_counter.h"
#include "core/config/yaml_loader.h"
#include "core/losses/box_sum.h"
#include "core/registry/model_factory.h"
#include "core/train/adam.h"
#include "models/batch_norm.h"
#include "models/batch_norm_swish.h"
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

TEST(Precision, AutoFollowsTheCpuFlagsAndOneDnnsIsaCap) {
  const std::string amx =
      "processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512_bf16 amx_bf16 amx_tile\n";
  const std::string avx2 = "processor\t: 0\nflags\t\t: fpu sse4_2 avx2 fma\n";
  const CpuBf16Support a = parseCpuBf16Support(amx, "");
  EXPECT_TRUE(a.amx_bf16 && a.avx512_bf16 && a.fast());
  EXPECT_EQ(a.describe(), "AMX-BF16 and AVX512-BF16");
  EXPECT_FALSE(parseCpuBf16Support(avx2, "").fast());
  EXPECT_EQ(parseCpuBf16Support(avx2, "").describe(), "no AMX-BF16 or AVX512-BF16");
  const CpuBf16Support capped = parseCpuBf16Support(amx, "avx2");
  EXPECT_FALSE(capped.fast());
  EXPECT_NE(capped.describe().find("ONEDNN_MAX_CPU_ISA=avx2"), std::string::npos);
  EXPECT_TRUE(parseCpuBf16Support(amx, "AVX512_CORE_AMX").fast());
  EXPECT_TRUE(parseCpuBf16Support(amx, "ALL").fast());
  EXPECT_FALSE(parseCpuBf16Support("", "").fast());  // not x86 Linux: nothing found
  // bf16 blocked: LibTorch sends bf16 convolutions to oneDNN on an AVX-512 CPU (BW, VL, DQ), and
  // oneDNN capped below AVX-512 has no kernel for them; without AVX-512 LibTorch uses its own.
  const std::string avx512 = "flags\t\t: fpu avx2 avx512f avx512dq avx512bw avx512vl\n";
  EXPECT_EQ(parseCpuBf16Support(avx512, "").blocked(), "");
  EXPECT_NE(parseCpuBf16Support(avx512, "AVX2").blocked().find("ONEDNN_MAX_CPU_ISA=AVX2"),
            std::string::npos);
  EXPECT_NE(parseCpuBf16Support(avx512, "avx2_vnni").blocked(), "");
  EXPECT_EQ(parseCpuBf16Support(avx512, "AVX512_CORE").blocked(), "");  // oneDNN emulates bf16
  EXPECT_EQ(parseCpuBf16Support(avx2, "AVX2").blocked(), "");
  EXPECT_EQ(parseCpuBf16Support(amx, "AVX2").blocked(), "");  // no BW/VL/DQ listed

  // Explicit settings are what they say; channels_last follows bf16 unless set.
  const ComputePrecision f = resolvePrecision(Precision::Fp32, c10::DeviceType::CPU);
  EXPECT_FALSE(f.autocast.has_value());
  EXPECT_FALSE(f.channels_last);
  if (cpuBf16Support().blocked().empty()) {
    const ComputePrecision b = resolvePrecision(Precision::Bf16, c10::DeviceType::CPU);
    EXPECT_EQ(b.autocast, std::optional<c10::ScalarType>(c10::ScalarType::BFloat16));
    EXPECT_TRUE(b.channels_last);
    EXPECT_FALSE(resolvePrecision(Precision::Bf16, c10::DeviceType::CPU, false).channels_last);
  } else {  // run under ONEDNN_MAX_CPU_ISA=AVX2 on an AVX-512 CPU
    EXPECT_THROW(resolvePrecision(Precision::Bf16, c10::DeviceType::CPU), std::invalid_argument);
  }
  // auto on this machine: what its flags say, and the log line says why.
  const ComputePrecision here = resolvePrecision(Precision::Auto, c10::DeviceType::CPU);
  EXPECT_EQ(here.chosen == Precision::Bf16, cpuBf16Support().fast());
  EXPECT_NE(here.describe().find("(auto: the CPU has "), std::string::npos) << here.describe();
  EXPECT_THROW(precisionFromName("fp16"), std::invalid_argument);
}

// Five steps of our Adam (the fused kernel: float32 CPU, dense; also a channels_last weight)
// against torch.optim.Adam (single-tensor loop) on the same gradients, for the default, amsgrad
// with weight decay, and maximize. Bound: a few float32 roundings of the update and of the
// parameter per step (the two agree bit for bit where ATen's kernels round as the fused one).
TEST(FusedAdam, FollowsTorchOptimAdamOnTheSameGradients) {
  const std::string d = makeTempDir("adam");
  writeText(d + "/adam.py", R"(import sys, torch
torch.manual_seed(1)
shapes = [(64, 32, 3, 3), (300,), (17, 5), (1,)]
cases = {"default": {}, "amsgrad_wd": {"amsgrad": True, "weight_decay": 1e-2}, "maximize": {"maximize": True}}
out = {}
for name, kw in cases.items():
    ps = [torch.randn(s) for s in shapes]
    grads = [[torch.randn(s) * (10 ** (i - 2)) for s in shapes] for i in range(5)]
    out[name + "_init"] = [p.clone() for p in ps]
    out[name + "_grads"] = [g for step in grads for g in step]
    params = [torch.nn.Parameter(p) for p in ps]
    opt = torch.optim.Adam(params, lr=1e-3, foreach=False, **kw)
    for step in grads:
        for p, g in zip(params, step):
            p.grad = g.clone()
        opt.step()
    out[name + "_final"] = [p.detach().clone() for p in params]
torch.save(out, sys.argv[1])
)");
  const auto r = runCommand("/usr/bin/python3 " + d + "/adam.py " + d + "/adam.pt");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto ref = readTorchFile(d + "/adam.pt").toGenericDict();
  auto list = [&](const std::string& k) {
    std::vector<torch::Tensor> out;
    for (const c10::IValue& v : ref.at(k).toListRef()) out.push_back(v.toTensor());
    return out;
  };
  double worst = 0;  // relative to the parameter's scale
  for (const std::string name : {"default", "amsgrad_wd", "maximize"}) {
    AdamOptions o;
    o.lr = 1e-3;
    o.fused = true;
    o.amsgrad = name == "amsgrad_wd";
    o.weight_decay = name == "amsgrad_wd" ? 1e-2 : 0;
    o.maximize = name == "maximize";
    std::vector<torch::Tensor> params;
    for (const auto& p : list(name + "_init")) params.push_back(p.clone().requires_grad_(true));
    params[0].set_data(params[0].contiguous(at::MemoryFormat::ChannelsLast));
    Adam adam(params, o);
    const auto grads = list(name + "_grads");
    for (std::size_t step = 0; step < 5; ++step) {
      for (std::size_t i = 0; i < params.size(); ++i) {
        const auto& g = grads[step * params.size() + i];
        params[i].mutable_grad() = g.contiguous(params[i].suggest_memory_format())
                                       .clone(params[i].suggest_memory_format());
      }
      adam.step();
    }
    const auto final = list(name + "_final");
    for (std::size_t i = 0; i < params.size(); ++i) {
      const double scale = final[i].abs().max().item<double>() + o.lr;
      const double diff = (params[i].detach() - final[i]).abs().max().item<double>();
      EXPECT_LE(diff, 5 * 5 * 1.2e-7 * scale) << name << " parameter " << i;
      worst = std::max(worst, diff / scale);
    }
  }
  std::cout << "fused Adam vs torch.optim.Adam, 5 steps: largest difference " << worst
            << " x the parameter's scale\n";
}

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
