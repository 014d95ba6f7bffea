#include "projects/morphaeus/anomaly_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "core/metrics/dice.h"
#include "core/metrics/roc.h"
#include "core/metrics/statistics.h"

namespace morphaeus {
namespace {

nlohmann::json summary(const ScoredImages& s, const AnomalyMetricsOptions& o) {
  nlohmann::json j = {{"images", s.size()},           {"score_mean", mean(s.score)},
                      {"score_std", stddev(s.score)}, {"l1_mean", mean(s.l1)},
                      {"l1_std", stddev(s.l1)},       {"ssim_mean", mean(s.ssim)},
                      {"ssim_std", stddev(s.ssim)}};
  if (o.lpips) j["lpips_mean"] = mean(s.lpips), j["lpips_std"] = stddev(s.lpips);
  if (o.threshold) {
    const auto flagged =
        std::count_if(s.score.begin(), s.score.end(), [&](double v) { return v > *o.threshold; });
    j["flagged_fraction"] =
        s.size() == 0 ? 0.0 : static_cast<double>(flagged) / static_cast<double>(s.size());
  }
  return j;
}

void pixelMetrics(const ScoredImages& s, nlohmann::json& m) {
  if (!s.masks.defined() || !s.maps.defined()) return;
  const torch::Tensor r = s.maps.flatten().contiguous(), k = s.masks.flatten().contiguous();
  const std::vector<double> residual(r.data_ptr<double>(), r.data_ptr<double>() + r.numel());
  const std::vector<int> mask(k.data_ptr<int>(), k.data_ptr<int>() + k.numel());
  const auto positives = std::count(mask.begin(), mask.end(), 1);
  if (positives == 0 || positives == static_cast<std::ptrdiff_t>(mask.size())) return;
  m["pixel_auroc"] = aurocScore(mask, residual);
  m["pixel_auprc"] = averagePrecision(mask, residual);
  m["best_dice"] = bestDice(residual, mask);
}

}  // namespace

nlohmann::json anomalyMetrics(const std::vector<ScoredDataset>& datasets,
                              const AnomalyMetricsOptions& options,
                              std::vector<DatasetCurves>* curves) {
  nlohmann::json metrics;
  const ScoredDataset* normal = nullptr;
  for (const auto& d : datasets) {
    metrics["datasets"][d.name] = summary(d.images, options);
    if (d.label == 0 && normal == nullptr) normal = &d;
  }
  for (const auto& d : datasets) {
    if (d.label == 0) continue;
    nlohmann::json& m = metrics["datasets"][d.name];
    if (options.compute_scores && normal != nullptr) {
      DatasetCurves c{d.name, {}, {}};
      for (const auto& part : datasets) {  // in the config's order, as the rows are
        if (&part != &d && &part != normal) continue;
        c.labels.insert(c.labels.end(), part.images.size(), part.label);
        c.scores.insert(c.scores.end(), part.images.score.begin(), part.images.score.end());
      }
      m["auroc"] = aurocScore(c.labels, c.scores);
      m["auprc"] = averagePrecision(c.labels, c.scores);
      m["fpr_at_tpr95"] = fprAtTpr(c.labels, c.scores, 0.95);
      m["fpr_at_tpr99"] = fprAtTpr(c.labels, c.scores, 0.99);
      m["normal_reference"] = normal->name;
      if (curves != nullptr) curves->push_back(std::move(c));
    }
    pixelMetrics(d.images, m);
  }
  return metrics;
}

std::string metricsTable(const nlohmann::json& metrics, const std::vector<ScoredDataset>& datasets,
                         bool lpips) {
  std::vector<std::pair<std::string, std::string>> columns = {
      {"AUROC", "auroc"},         {"AUPRC", "auprc"},    {"FPR@95", "fpr_at_tpr95"},
      {"FPR@99", "fpr_at_tpr99"}, {"SSIM", "ssim_mean"}, {"L1", "l1_mean"}};
  if (lpips) columns.emplace_back("LPIPS", "lpips_mean");
  columns.insert(
      columns.end(),
      {{"pixel AUROC", "pixel_auroc"}, {"pixel AUPRC", "pixel_auprc"}, {"best Dice", "best_dice"}});
  std::ostringstream table;
  table << "| dataset |";
  for (const auto& c : columns) table << " " << c.first << " |";
  table << "\n|---|";
  for (std::size_t i = 0; i < columns.size(); ++i) table << "---|";
  table << "\n";
  for (const int label : {1, 0}) {
    for (const auto& d : datasets) {
      if (d.label != label) continue;
      const nlohmann::json& m = metrics.at("datasets").at(d.name);
      table << "| " << d.name << (label == 0 ? " (normal)" : "") << " |";
      for (const auto& c : columns) {
        table << " "
              << (m.contains(c.second) ? fmt::format("{:.4f}", m[c.second].get<double>()) : "-")
              << " |";
      }
      table << "\n";
    }
  }
  return table.str();
}

}  // namespace morphaeus
