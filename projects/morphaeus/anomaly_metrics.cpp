#include "projects/morphaeus/anomaly_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "core/metrics/bootstrap.h"
#include "core/metrics/dice.h"
#include "core/metrics/roc.h"
#include "core/metrics/statistics.h"
#include "core/report/metric_columns.h"
#include "core/report/metric_text.h"
#include "core/report/text_table.h"

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

nlohmann::json metricsJson(const DetectionMetrics& m) {
  return {
      {"auroc", m.auroc}, {"auprc", m.auprc}, {"fpr_at_tpr95", m.fpr95}, {"fpr_at_tpr99", m.fpr99}};
}

// The paper's bootstrap and the intervals, into m["bootstrap"] and m["interval"]. A resample of
// one class only (tiny test sets) has no AUROC: then m["bootstrap_note"] says so instead.
void bootstrapMetrics(const DatasetCurves& c, const AnomalyMetricsOptions& o, nlohmann::json& m) {
  try {
    const PaperBootstrap b = paperBootstrap(c.labels, c.scores);
    nlohmann::json j = {{"seeds", b.seeds},
                        {"auroc_mean", b.auroc.mean},
                        {"auroc_std", b.auroc.std},
                        {"auprc_mean", b.auprc.mean},
                        {"auprc_std", b.auprc.std},
                        {"fpr_at_tpr95_mean", b.fpr95.mean},
                        {"fpr_at_tpr95_std", b.fpr95.std},
                        {"fpr_at_tpr99_mean", b.fpr99.mean},
                        {"fpr_at_tpr99_std", b.fpr99.std}};
    for (const auto& r : b.resamples) j["resamples"].push_back(metricsJson(r));
    m["bootstrap"] = std::move(j);
    if (const IntervalOptions& iv = o.intervals; iv.resamples > 0) {
      const BootstrapIntervals ci =
          bootstrapIntervals(c.labels, c.scores, iv.resamples, iv.seed, iv.level);
      m["interval"] = {{"level", ci.level},
                       {"resamples", ci.resamples},
                       {"seed", ci.seed},
                       {"one_class_resamples_skipped", ci.skipped},
                       {"auroc", {ci.auroc.low, ci.auroc.high}},
                       {"auprc", {ci.auprc.low, ci.auprc.high}},
                       {"fpr_at_tpr95", {ci.fpr95.low, ci.fpr95.high}},
                       {"fpr_at_tpr99", {ci.fpr99.low, ci.fpr99.high}}};
    }
  } catch (const std::invalid_argument& e) {
    m["bootstrap_note"] = std::string("no bootstrap: ") + e.what();
  }
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
      m.update(metricsJson(detectionMetrics(c.labels, c.scores)));
      m["normal_reference"] = normal->name;
      bootstrapMetrics(c, options, m);
      if (curves != nullptr) curves->push_back(std::move(c));
    }
    pixelMetrics(d.images, m);
  }
  return metrics;
}

std::string metricsTable(const nlohmann::json& metrics, const std::vector<ScoredDataset>& datasets,
                         bool lpips) {
  std::vector<const MetricColumn*> columns;
  for (const MetricColumn& c : metricColumns())
    if (!c.only_when_given || lpips) columns.push_back(&c);
  TextTable table;
  table.columns.push_back({"dataset", {"dataset"}});
  for (const MetricColumn* c : columns) table.columns.push_back({c->heading, {c->heading}});
  for (const int label : {1, 0}) {
    for (const auto& d : datasets) {
      if (d.label != label) continue;
      const nlohmann::json& m = metrics.at("datasets").at(d.name);
      const std::string name = d.name + (label == 0 ? " (normal)" : "");
      std::vector<TableCell> row = {{name, {name}, false}};
      for (const MetricColumn* c : columns) {
        const std::string text = metricCell(m, *c, " +/- ");
        row.push_back({text, {text}, false});
      }
      table.rows.push_back(std::move(row));
    }
  }
  return table.markdown();
}

}  // namespace morphaeus
