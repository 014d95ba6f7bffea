// The evaluator's numbers from the scored images, with no I/O: per dataset the score, L1, SSIM
// (and LPIPS) summaries and the flagged fraction; every pathology dataset against the first
// normal one (upstream: the first dataset whose name contains "Normal"; further normal datasets
// are not pooled into it): AUROC, AUPRC, FPR at TPR >= 0.95 / 0.99, the paper's bootstrap of
// them (5 seeds, mean and population std: core/metrics/bootstrap.h) and percentile intervals;
// pixel-level AUROC, AUPRC and best Dice where masks exist. And the report's table of them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/metrics/bootstrap.h"
#include "core/report/task_metrics.h"
#include "projects/morphaeus/anomaly_scoring.h"
#include "projects/morphaeus/evaluation_figures.h"

namespace morphaeus {

struct ScoredDataset {
  std::string name;
  int label = 0;                   // 0: normal (the name contains "Normal"), 1: pathology
  std::vector<std::string> paths;  // per image, in dataset order
  ScoredImages images;
};

struct AnomalyMetricsOptions {
  bool compute_scores = true;  // AUROC, AUPRC, FPR (upstream's compute_scores)
  bool lpips = false;          // the images carry LPIPS values
  std::optional<double> threshold;
  // Beyond the paper's 5-seed bootstrap (always computed with the scores): percentile intervals.
  IntervalOptions intervals;
};

// The task record's datasets, every dataset by name; `curves` (optional) receives the ROC/PR
// inputs.
std::map<std::string, DatasetMetrics> anomalyMetrics(const std::vector<ScoredDataset>& datasets,
                                                     const AnomalyMetricsOptions& options,
                                                     std::vector<DatasetCurves>* curves = nullptr);

// table.md's table: pathology datasets, then the normal ones; "-" where a metric does not apply.
// Its columns are shownColumns(metrics): LPIPS where the datasets carry it.
std::string metricsTable(const TaskMetrics& metrics, const std::vector<ScoredDataset>& datasets);

}  // namespace morphaeus
