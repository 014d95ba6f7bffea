#include "core/eval/anomaly_score.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <mutex>

#include "core/base/mixed_precision.h"
#include "models/reconstruction.h"

namespace morphaeus {

std::string AnomalyScoreOptions::describe() const {
  const std::string map =
      smoothing_sigma > 0 ? fmt::format("gauss_{:g} * |rec - x|", smoothing_sigma) : "|rec - x|";
  return (use_max ? "max " : "mean ") + map;
}

torch::Tensor gaussianSmooth(const torch::Tensor& maps, double sigma) {
  const auto radius = static_cast<int64_t>(std::ceil(3 * sigma));
  auto k = torch::arange(-radius, radius + 1, maps.options()).pow(2).div(-2 * sigma * sigma).exp();
  k = k / k.sum();
  const std::vector<int64_t> stride{1, 1}, pad_w{0, radius}, pad_h{radius, 0};
  auto out = torch::conv2d(maps, k.view({1, 1, 1, -1}), torch::Tensor(), stride, pad_w);
  return torch::conv2d(out, k.view({1, 1, -1, 1}), torch::Tensor(), stride, pad_h);
}

std::uint64_t imageSeed(std::uint64_t run_seed, const std::string& path) {
  auto mix = [](std::uint64_t z) {  // splitmix64's finaliser
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a of the file name
  for (const unsigned char c : std::filesystem::path(path).filename().string())
    h = (h ^ c) * 0x100000001b3ULL;
  return mix(mix(run_seed) ^ h) >> 1;  // 63 bits: Python's torch.manual_seed takes it too
}

namespace {

// The reconstruction of a sampling model, image by image from its own seed (see scoreBatch).
torch::Tensor seededReconstruction(torch::nn::Module& model, const torch::Tensor& x,
                                   const std::vector<std::uint64_t>& seeds) {
  auto generator = at::detail::getDefaultCPUGenerator();
  torch::Tensor saved;
  {
    std::lock_guard<std::mutex> lock(generator.mutex());
    saved = generator.get_state();
  }
  std::vector<torch::Tensor> parts;
  for (int64_t i = 0; i < x.size(0); ++i) {
    const auto k = static_cast<std::size_t>(i);
    torch::manual_seed(k < seeds.size() ? seeds[k] : imageSeed(0, std::to_string(k)));
    parts.push_back(reconstruct(model, x.narrow(0, i, 1)));
  }
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(saved);
  return torch::cat(parts);
}

}  // namespace

ScoredBatch scoreBatch(torch::nn::Module& model, const torch::Tensor& x,
                       const AnomalyScoreOptions& options,
                       const std::vector<std::uint64_t>& seeds) {
  torch::NoGradGuard no_grad;
  ScoredBatch out;
  const ComputePrecision compute = resolvePrecision(options.precision, x.device().type());
  torch::Tensor input = x;
  if (compute.channels_last && x.dim() == 4) {
    toChannelsLast(model);
    input = x.contiguous(at::MemoryFormat::ChannelsLast);
  }
  {
    const AutocastGuard autocast(x.device().type(), compute.autocast);
    out.reconstruction = reconstructionSamples(model) ? seededReconstruction(model, input, seeds)
                                                      : reconstruct(model, input);
  }
  out.reconstruction = fullPrecision(out.reconstruction).contiguous();
  auto residual = (out.reconstruction - x).abs();
  out.l1 = residual.mean({1, 2, 3}).to(torch::kCPU, torch::kDouble);
  if (options.smoothing_sigma > 0) residual = gaussianSmooth(residual, options.smoothing_sigma);
  const auto score = options.use_max ? residual.amax({1, 2, 3}) : residual.mean({1, 2, 3});
  out.score = score.to(torch::kCPU, torch::kDouble);
  out.anomaly_map = residual.to(torch::kCPU, torch::kFloat);
  return out;
}

}  // namespace morphaeus
