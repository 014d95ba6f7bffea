// Finished sweep runs made by hand for the tests of the sweep's modules (sweep_runs,
// sweep_numbers, results_table): a run directory with eval/<task>/metrics.json written through
// the record type and a scores.csv of the images, as an evaluation leaves them.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/base/run_layout.h"
#include "core/report/task_metrics.h"
#include "tests/test_support.h"

namespace morphaeus::test {

// One image of scores.csv.
struct ScoredRow {
  std::string dataset, path;
  int label = 0;
  double score = 0;
};

// A pathology dataset's record scored against `normal`, with its whole-set numbers.
inline DatasetMetrics scoredDataset(double auroc, double auprc, double fpr95,
                                    const std::string& normal = "Normal") {
  DatasetMetrics d;
  d.images = 4;
  d.detection = DetectionMetrics{auroc, auprc, fpr95, fpr95};
  d.normal_reference = normal;
  d.ssim_mean = 0.5;
  d.l1_mean = 0.25;
  return d;
}

// A scored dataset with the paper's bootstrap: its AUROC mean and std, AUPRC and FPR95 means
// (their stds `other_std`), over `whole` for the whole set's numbers.
inline DatasetMetrics bootstrappedDataset(const DatasetMetrics& whole, double auroc_mean,
                                          double auroc_std, double auprc_mean, double fpr95_mean,
                                          double other_std = 0) {
  DatasetMetrics d = whole;
  PaperBootstrap b;
  b.seeds = paperBootstrapSeeds();
  b.auroc = {auroc_mean, auroc_std};
  b.auprc = {auprc_mean, other_std};
  b.fpr95 = {fpr95_mean, other_std};
  d.bootstrap = b;
  return d;
}

// <run_dir>/eval/<task>/ with metrics.json (the datasets given plus the normal one) and
// scores.csv (the rows given).
inline void writeTaskOfRun(const std::string& run_dir, const std::string& task,
                           std::map<std::string, DatasetMetrics> datasets,
                           const std::vector<ScoredRow>& rows = {}) {
  const TaskLayout layout = RunLayout(run_dir).task(task);
  std::filesystem::create_directories(layout.dir);
  TaskMetrics m;
  datasets.emplace("Normal", DatasetMetrics{});
  m.datasets = std::move(datasets);
  m.task = task;
  writeTaskMetrics(layout, m);
  std::string csv = "dataset,path,label,score\n";
  for (const ScoredRow& r : rows)
    csv += r.dataset + "," + r.path + "," + std::to_string(r.label) + "," +
           std::to_string(r.score) + "\n";
  writeText(layout.scores().string(), csv);
}

}  // namespace morphaeus::test
