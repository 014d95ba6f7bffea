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

// One downstream task's folder of a run: eval/<task>/. Each name is written once, in its accessor
// (or in a constant where a reader needs the bare name).
struct TaskLayout {
  static constexpr const char* kExamplesPrefix = "examples_";  // examples_<dataset>.png

  std::filesystem::path dir;

  std::string name() const { return dir.filename().string(); }
  std::filesystem::path metrics() const { return dir / "metrics.json"; }
  std::filesystem::path scores() const { return dir / "scores.csv"; }
  std::filesystem::path table() const { return dir / "table.md"; }
  std::filesystem::path rocPlot() const { return dir / "roc.png"; }
  std::filesystem::path prPlot() const { return dir / "pr.png"; }
  std::filesystem::path examples(const std::string& dataset) const {
    return dir / (kExamplesPrefix + dataset + ".png");
  }
  std::filesystem::path maps() const { return dir / "maps"; }  // maps/<dataset>/<image>.png
  std::filesystem::path maps(const std::string& dataset) const { return maps() / dataset; }
};

struct RunLayout {
  static constexpr const char* kLatestCheckpoint = "latest_model.pt";
  static constexpr const char* kBestCheckpoint = "best_model.pt";
  static constexpr const char* kLossCurves = "curves.png";  // linked from report.html

  std::filesystem::path dir;

  explicit RunLayout(std::filesystem::path run_dir) : dir(std::move(run_dir)) {}

  std::filesystem::path config() const { return dir / "config.yaml"; }
  std::filesystem::path log() const { return dir / "run.log"; }
  std::filesystem::path epochMetrics() const { return dir / "metrics.jsonl"; }
  std::filesystem::path epochMetricsCsv() const { return dir / "metrics.csv"; }
  std::filesystem::path latestCheckpoint() const { return dir / kLatestCheckpoint; }
  std::filesystem::path bestCheckpoint() const { return dir / kBestCheckpoint; }
  std::filesystem::path report() const { return dir / "report.html"; }
  std::filesystem::path lossCurves() const { return dir / kLossCurves; }
  std::filesystem::path sweepMarker() const { return dir / "reproduce.json"; }
  std::filesystem::path evaluations() const { return dir / "eval"; }
  TaskLayout task(const std::string& name) const { return TaskLayout{evaluations() / name}; }
};

}  // namespace morphaeus
