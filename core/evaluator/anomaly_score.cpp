#include "core/evaluator/anomaly_score.h"

#include <fmt/format.h>

#include <cmath>

#include "models/reconstruction.h"

namespace morphaeus {

AnomalyScoreOptions AnomalyScoreOptions::fromParams(const ConfigNode* params) {
  AnomalyScoreOptions o;
  if (params == nullptr || !params->isMap()) return o;
  o.use_max = params->getString("score_reduction", "mean") == "max";
  o.smoothing_sigma = params->getDouble("smoothing_sigma", 0.0);
  return o;
}

const ConfigNode* firstDownstreamParams(const ConfigNode& config) {
  const ConfigNode* tasks = config.find("downstream_tasks");
  if (tasks == nullptr || !tasks->isMap() || tasks->entries().empty()) return nullptr;
  const ConfigNode* params = tasks->entries().front().second.find("params");
  return params != nullptr && params->isMap() ? params : nullptr;
}

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

ScoredBatch scoreBatch(torch::nn::Module& model, const torch::Tensor& x,
                       const AnomalyScoreOptions& options) {
  torch::NoGradGuard no_grad;
  ScoredBatch out;
  out.reconstruction = reconstruct(model, x);
  auto residual = (out.reconstruction - x).abs();
  out.l1 = residual.mean({1, 2, 3}).to(torch::kCPU, torch::kDouble);
  if (options.smoothing_sigma > 0) residual = gaussianSmooth(residual, options.smoothing_sigma);
  const auto score = options.use_max ? residual.amax({1, 2, 3}) : residual.mean({1, 2, 3});
  out.score = score.to(torch::kCPU, torch::kDouble);
  out.anomaly_map = residual.to(torch::kCPU, torch::kFloat);
  return out;
}

}  // namespace morphaeus
