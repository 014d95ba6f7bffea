// The numbers of the sweep's tables as typed values, computed once from the runs' reports and
// formatted last (results_table.h): each is an Estimate of one metric of one dataset for one row
// (a method, or a pair "A vs B" of DeLong's tests).
#pragma once

#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/commands/reproduce/sweep_runs.h"

namespace morphaeus {

struct Estimate {
  static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  /// the mean, or the whole test set's value; NaN: not measured
  double value = kNone;
  /// its standard deviation (the bootstrap's population std, or the seeds' sample std); NaN: none
  double spread = kNone;
  /// a confidence interval of the value; NaN: none
  double low = kNone, high = kNone;
  /// a mean over seeds: how many (one: its std is 0 and not shown); 0: not a mean over seeds
  std::size_t seeds = 0;
};

// (row, dataset, metric) -> Estimate. `dataset` is empty for a row's own number (the average
// AUROC over the datasets).
class SweepNumbers {
 public:
  void set(const std::string& row, const std::string& dataset, const std::string& metric,
           const Estimate& e);
  // An Estimate with no value where nothing was set.
  Estimate at(const std::string& row, const std::string& dataset, const std::string& metric) const;

 private:
  std::map<std::tuple<std::string, std::string, std::string>, Estimate> values_;
};

struct TableMetric {
  const char* label;  // column header and metric name, e.g. "AUROC"
  const char* key;    // its number in a dataset's record (DatasetMetrics::number)
  bool higher_is_better;
};
const std::vector<TableMetric>& tableMetrics();  // the seeds table's

// The paper's protocol on each method's first seed: "AUROC" (the 5-seed bootstrap's mean ±
// population std), "AUPRC" and "FPR95" (its means), or the whole set's numbers for a report
// without the bootstrap; and ("", "average AUROC") over the datasets (NaN where one is missing).
SweepNumbers paperNumbers(const SweepRuns& runs);
// The whole test set on each method's first seed: "AUROC" with its bootstrap interval, and
// DeLong's test against `reference` on the same images: "DeLong z", "DeLong p".
SweepNumbers statsNumbers(const SweepRuns& runs, const std::string& reference);
// DeLong's test of each pair, in row "A vs B": "AUROC difference", "DeLong z", "DeLong p".
SweepNumbers pairsNumbers(const SweepRuns& runs,
                          const std::vector<std::pair<std::string, std::string>>& pairs);
// Over the seeds: tableMetrics()'s labels as mean ± sample std (n - 1), and ("", "seeds").
SweepNumbers seedsNumbers(const SweepRuns& runs);

}  // namespace morphaeus
