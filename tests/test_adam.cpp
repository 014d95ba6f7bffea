// Our Adam (core/train/adam: the fused kernel) against torch.optim.Adam run in PyTorch on the
// same gradients.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <iostream>

#include "core/base/mixed_precision.h"
#include "core/checkpoint/torch_file_reader.h"
#include "core/train/adam.h"
#include "tests/test_support.h"

namespace morphaeus {
namespace {

using test::makeTempDir;
using test::runCommand;
using test::writeText;

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
  // The Adam of the PyTorch whose LibTorch this build links (test_support.h: referencePython).
  const auto r =
      runCommand("'" + test::referencePython() + "' " + d + "/adam.py " + d + "/adam.pt");
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

}  // namespace
}  // namespace morphaeus
