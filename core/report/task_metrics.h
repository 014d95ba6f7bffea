// metrics.json, one evaluation task's record, as one type: the evaluator fills a TaskMetrics and
// writes it here; the run's report, the sweep's tables and the figures read it back from here.
// Each JSON key of the record is written once, in task_metrics.cpp, in a table of its fields.
// Where a number was not a number (NaN), the file holds null and the reader gets NaN back.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/base/run_layout.h"
#include "core/metrics/bootstrap.h"
#include "core/metrics/roc.h"

namespace morphaeus {

// datasets.<name>: one dataset's numbers. Those of a pathology dataset scored against the normal
// reference (detection, bootstrap, interval) are absent on the normal datasets, the pixel ones
// where there are no masks, LPIPS without its weights, the flagged fraction without a threshold.
struct DatasetMetrics {
  std::int64_t images = 0;
  std::optional<double> score_mean, score_std, l1_mean, l1_std, ssim_mean, ssim_std;
  std::optional<double> lpips_mean, lpips_std;
  std::optional<double> flagged_fraction;       // of the images scored above the threshold
  std::optional<DetectionMetrics> detection;    // auroc, auprc, fpr_at_tpr95, fpr_at_tpr99
  std::optional<std::string> normal_reference;  // the normal dataset it was scored against
  std::optional<PaperBootstrap> bootstrap;      // the paper's 5 seeds
  std::optional<BootstrapIntervals> interval;   // beyond the paper: percentile intervals
  std::optional<std::string> bootstrap_note;    // why there is no bootstrap
  std::optional<double> pixel_auroc, pixel_auprc, best_dice;

  // A number by its record key ("auroc", "ssim_mean", "best_dice", ...: numberKeys()); nullopt
  // where this dataset has none.
  std::optional<double> number(const std::string& key) const;
  // Scored against the normal reference: a pathology dataset with its detection numbers.
  bool scored() const { return detection.has_value(); }
};

// The keys number() knows, in the record's order.
std::vector<std::string> numberKeys();

// The normal/abnormal threshold, from the normal validation scores.
struct ThresholdRecord {
  double value = 0, percentile = 0;
  std::string source;
};

struct TaskMetrics {
  std::map<std::string, DatasetMetrics> datasets;  // by name
  std::string task, score, precision;              // "" where not given
  std::optional<double> smoothing_sigma;
  std::optional<ThresholdRecord> threshold;
};

// Writes `metrics` as indented JSON (temp file + rename).
void writeTaskMetrics(const TaskLayout& task, const TaskMetrics& metrics);

// The record; DataError "<file>: not the JSON an evaluation writes (...)" when it cannot be read,
// parsed, has no "datasets" object, or a key holds a value of the wrong kind (the message names
// the key, e.g. datasets.Pneumonia.auroc). Keys it does not know are passed over; a key a part
// lacks (an older or hand-written record) reads as not given: NaN, 0 or empty.
TaskMetrics readTaskMetrics(const TaskLayout& task);

// The run's tasks that have a metrics.json, by name; none when the run has no eval/ folder.
std::vector<TaskLayout> evaluatedTasks(const RunLayout& run);

}  // namespace morphaeus
