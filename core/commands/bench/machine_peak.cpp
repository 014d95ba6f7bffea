#include "core/commands/bench/machine_peak.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>

#include "core/base/precision.h"

namespace morphaeus {
namespace {

double bestGflops(const c10::Device& device, c10::ScalarType dtype, int64_t n, int64_t c,
                  int64_t hw, int repeats) {
  torch::NoGradGuard no_grad;
  const auto opts = torch::TensorOptions().device(device).dtype(dtype);
  const auto x = torch::randn({n, c, hw, hw}, opts).contiguous(at::MemoryFormat::ChannelsLast);
  const auto w = torch::randn({c, c, 3, 3}, opts).contiguous(at::MemoryFormat::ChannelsLast) * 0.05;
  const double flops = 2.0 * n * c * hw * hw * c * 9;
  auto sync = [&] {
    if (device.is_cuda()) torch::cuda::synchronize();
  };
  const std::vector<int64_t> stride{1, 1}, padding{1, 1};
  for (int i = 0; i < 2; ++i) (void)torch::conv2d(x, w, {}, stride, padding);
  sync();
  double best = 1e30;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto y = torch::conv2d(x, w, {}, stride, padding);
    sync();
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return flops / best / 1e9;
}

}  // namespace

ConvPeak measureConvPeak(const c10::Device& device) {
  ConvPeak p;
  const bool gpu = device.is_cuda();
  const int64_t n = gpu ? 64 : 16, c = gpu ? 256 : 128, hw = 64;
  const int repeats = gpu ? 20 : 4;
  p.shape = fmt::format("{}x{}x{}x{}, 3x3, {} -> {}, channels_last", n, c, hw, hw, c, c);
  p.fp32_gflops = bestGflops(device, torch::kFloat, n, c, hw, repeats);
  if (resolvePrecision(Precision::Auto, device.type()).chosen == Precision::Bf16)
    p.bf16_gflops = bestGflops(device, torch::kBFloat16, n, c, hw, repeats);
  return p;
}

}  // namespace morphaeus
