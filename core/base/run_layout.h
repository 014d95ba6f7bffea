// The files of a run directory, named in one place. `morphaeus --config` writes into its run
// directory (runs/<name>-<timestamp>/ or --output):
//   config.yaml          the configuration as resolved
//   run.log              the log of every rank-0 line
//   metrics.jsonl, .csv  one row per epoch
//   latest_model.pt      the checkpoint after the last finished epoch (resume, restarts)
//   best_model.pt        the checkpoint of the best validation loss (evaluated)
//   report.html          the run's page, curves.png its training curves
//   eval/<task>/         per downstream task: metrics.json, scores.csv, table.md, roc.png, pr.png,
//                        examples_<dataset>.png and maps/<dataset>/*.png
// and a sweep's child run adds reproduce.json once it has finished.
#pragma once

#include <filesystem>
#include <string>

namespace morphaeus {

// One downstream task's folder of a run: eval/<task>/.
struct TaskLayout {
  static constexpr const char* kMetrics = "metrics.json";
  static constexpr const char* kScores = "scores.csv";
  static constexpr const char* kTable = "table.md";
  static constexpr const char* kRocPlot = "roc.png";
  static constexpr const char* kPrPlot = "pr.png";
  static constexpr const char* kExamplesPrefix = "examples_";  // examples_<dataset>.png
  static constexpr const char* kMaps = "maps";                 // maps/<dataset>/<image>.png

  std::filesystem::path dir;

  std::string name() const { return dir.filename().string(); }
  std::filesystem::path metrics() const { return dir / kMetrics; }
  std::filesystem::path scores() const { return dir / kScores; }
  std::filesystem::path table() const { return dir / kTable; }
  std::filesystem::path rocPlot() const { return dir / kRocPlot; }
  std::filesystem::path prPlot() const { return dir / kPrPlot; }
  std::filesystem::path examples(const std::string& dataset) const {
    return dir / (kExamplesPrefix + dataset + ".png");
  }
  std::filesystem::path maps() const { return dir / kMaps; }
  std::filesystem::path maps(const std::string& dataset) const { return maps() / dataset; }
};

struct RunLayout {
  static constexpr const char* kConfig = "config.yaml";
  static constexpr const char* kLog = "run.log";
  static constexpr const char* kEpochMetrics = "metrics.jsonl";
  static constexpr const char* kEpochMetricsCsv = "metrics.csv";
  static constexpr const char* kLatestCheckpoint = "latest_model.pt";
  static constexpr const char* kBestCheckpoint = "best_model.pt";
  static constexpr const char* kReport = "report.html";
  static constexpr const char* kLossCurves = "curves.png";
  static constexpr const char* kEvaluations = "eval";
  static constexpr const char* kSweepMarker = "reproduce.json";

  std::filesystem::path dir;

  explicit RunLayout(std::filesystem::path run_dir) : dir(std::move(run_dir)) {}

  std::filesystem::path config() const { return dir / kConfig; }
  std::filesystem::path log() const { return dir / kLog; }
  std::filesystem::path epochMetrics() const { return dir / kEpochMetrics; }
  std::filesystem::path epochMetricsCsv() const { return dir / kEpochMetricsCsv; }
  std::filesystem::path latestCheckpoint() const { return dir / kLatestCheckpoint; }
  std::filesystem::path bestCheckpoint() const { return dir / kBestCheckpoint; }
  std::filesystem::path report() const { return dir / kReport; }
  std::filesystem::path lossCurves() const { return dir / kLossCurves; }
  std::filesystem::path sweepMarker() const { return dir / kSweepMarker; }
  std::filesystem::path evaluations() const { return dir / kEvaluations; }
  TaskLayout task(const std::string& name) const { return TaskLayout{evaluations() / name}; }
};

}  // namespace morphaeus
