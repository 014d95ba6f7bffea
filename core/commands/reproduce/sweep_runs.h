// The sweep's finished runs as their reports say: for each method (in the order added) and seed,
// each pathology dataset's metrics.json entry and where its per-image scores are
// (<run>/eval/<task>/metrics.json and scores.csv). Columns are the pathology datasets
// ("<dataset>", or "<task>/<dataset>" where a run has several tasks). DeLong's test of two
// methods reads their scores.csv files, each once per ScoresCache.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/metrics/delong.h"
#include "core/report/task_metrics.h"

namespace morphaeus {

// One pathology dataset of one run: its metrics.json entry and where its per-image scores are.
struct ColumnReport {
  DatasetMetrics metrics;
  std::string scores_csv, dataset, normal;
};

struct SweepRuns {
  std::vector<std::string> methods;   // in the order added
  std::vector<std::string> datasets;  // the columns, in the order first seen
  std::map<std::string, std::vector<std::map<std::string, ColumnReport>>> runs;  // per seed
  std::map<std::string, std::vector<std::string>> run_dirs;                      // per seed

  // Adds the reports of one finished run; DataError for a missing or unreadable report.
  void addRun(const std::string& method, const std::string& run_dir);
  // The method's first seed's report of `column`; null when it has none.
  const ColumnReport* firstRun(const std::string& method, const std::string& column) const;
  bool severalSeeds() const;
};

// The images of one column as scores.csv lists them: the dataset's and its normal reference's.
struct ColumnScores {
  std::vector<std::string> paths;
  std::vector<int> labels;
  std::vector<double> scores;
};

// Each run's scores.csv read once, however many tests it takes part in.
class ScoresCache {
 public:
  const ColumnScores& of(const ColumnReport& c);  // DataError for a bad scores.csv

 private:
  std::map<std::string, ColumnScores> read_;
};

// DeLong's test of two methods' first runs on one column; nullopt (with a warning) where a side
// is missing, the two did not score the same images, or the test is undefined.
std::optional<DelongResult> delongOf(const SweepRuns& runs, const std::string& a,
                                     const std::string& b, const std::string& column,
                                     ScoresCache& cache);

}  // namespace morphaeus
