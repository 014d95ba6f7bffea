#include "projects/morphaeus/anomaly_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "core/metrics/bootstrap.h"
#include "core/metrics/dice.h"
#include "core/metrics/roc.h"
#include "core/metrics/statistics.h"
#include "core/report/metric_columns.h"
#include "core/report/text_table.h"

namespace morphaeus {
namespace {

DatasetMetrics summary(const ScoredImages& s, const AnomalyMetricsOptions& o) {
  DatasetMetrics d;
  d.images = static_cast<std::int64_t>(s.size());
  d.score_mean = mean(s.score), d.score_std = stddev(s.score);
  d.l1_mean = mean(s.l1), d.l1_std = stddev(s.l1);
  d.ssim_mean = mean(s.ssim), d.ssim_std = stddev(s.ssim);
  if (o.lpips) d.lpips_mean = mean(s.lpips), d.lpips_std = stddev(s.lpips);
  if (o.threshold) {
    const auto flagged =
        std::count_if(s.score.begin(), s.score.end(), [&](double v) { return v > *o.threshold; });
    d.flagged_fraction =
        s.size() == 0 ? 0.0 : static_cast<double>(flagged) / static_cast<double>(s.size());
  }
  return d;
}

void pixelMetrics(const ScoredImages& s, DatasetMetrics& m) {
  if (!s.masks.defined() || !s.maps.defined()) return;
  const torch::Tensor r = s.maps.flatten().contiguous(), k = s.masks.flatten().contiguous();
  const std::vector<double> residual(r.data_ptr<double>(), r.data_ptr<double>() + r.numel());
  const std::vector<int> mask(k.data_ptr<int>(), k.data_ptr<int>() + k.numel());
  const auto positives = std::count(mask.begin(), mask.end(), 1);
  if (positives == 0 || positives == static_cast<std::ptrdiff_t>(mask.size())) return;
  m.pixel_auroc = aurocScore(mask, residual);
  m.pixel_auprc = averagePrecision(mask, residual);
  m.best_dice = bestDice(residual, mask);
}

// The paper's bootstrap and the intervals. A resample of one class only (tiny test sets) has no
// AUROC: then the bootstrap note says so instead.
void bootstrapMetrics(const DatasetCurves& c, const AnomalyMetricsOptions& o, DatasetMetrics& m) {
  try {
    m.bootstrap = paperBootstrap(c.labels, c.scores);
    if (const IntervalOptions& iv = o.intervals; iv.resamples > 0)
      m.interval = bootstrapIntervals(c.labels, c.scores, iv.resamples, iv.seed, iv.level);
  } catch (const std::invalid_argument& e) {
    m.bootstrap_note = std::string("no bootstrap: ") + e.what();
  }
}

}  // namespace

std::map<std::string, DatasetMetrics> anomalyMetrics(const std::vector<ScoredDataset>& datasets,
                                                     const AnomalyMetricsOptions& options,
                                                     std::vector<DatasetCurves>* curves) {
  std::map<std::string, DatasetMetrics> metrics;
  const ScoredDataset* normal = nullptr;
  for (const auto& d : datasets) {
    metrics[d.name] = summary(d.images, options);
    if (d.label == 0 && normal == nullptr) normal = &d;
  }
  for (const auto& d : datasets) {
    if (d.label == 0) continue;
    DatasetMetrics& m = metrics[d.name];
    if (options.compute_scores && normal != nullptr) {
      DatasetCurves c{d.name, {}, {}};
      for (const auto& part : datasets) {  // in the config's order, as the rows are
        if (&part != &d && &part != normal) continue;
        c.labels.insert(c.labels.end(), part.images.size(), part.label);
        c.scores.insert(c.scores.end(), part.images.score.begin(), part.images.score.end());
      }
      m.detection = detectionMetrics(c.labels, c.scores);
      m.normal_reference = normal->name;
      bootstrapMetrics(c, options, m);
      if (curves != nullptr) curves->push_back(std::move(c));
    }
    pixelMetrics(d.images, m);
  }
  return metrics;
}

std::string metricsTable(const TaskMetrics& metrics, const std::vector<ScoredDataset>& datasets) {
  const std::vector<const MetricColumn*> columns = shownColumns(metrics);
  TextTable table;
  table.columns.push_back({"dataset", {"dataset"}});
  for (const MetricColumn* c : columns) table.columns.push_back({c->heading, {c->heading}});
  for (const int label : {1, 0}) {
    for (const auto& d : datasets) {
      if (d.label != label) continue;
      const DatasetMetrics& m = metrics.datasets.at(d.name);
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
