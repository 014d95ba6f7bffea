// The runs behind a figure of the paper (`reproduce --figure`): each a config (with --set
// overrides) trained and evaluated as a child process in its own folder (or a SLURM array task),
// skipped when finished before and resumed when interrupted, as the table sweep does; then a few
// examples of every downstream dataset reconstructed by its best weights, and its per-dataset
// metrics.
#pragma once

#include <torch/types.h>

#include <optional>
#include <string>
#include <vector>

#include "core/commands/reproduce/reproduce_command.h"
#include "core/commands/reproduce/sweep_launch.h"

namespace morphaeus {

struct FigureRun {
  std::string label;                   // "AE3", "MorphAEus"
  std::string config;                  // its config file
  std::vector<std::string> sets;       // its own --set overrides (before the sweep's)
  std::string run_dir;                 // absolute
  std::optional<std::string> weights;  // evaluate these instead of training
  std::string best() const;  // the weights the figure shows: given, else <run>/best_model.pt
};

// Runs the ones not finished before, as the options' launcher does (sweep_launch.h; SLURM's
// state in <figure_dir>/slurm).
SweepOutcome runFigureRuns(const std::vector<FigureRun>& runs, const ReproduceOptions& options,
                           const std::string& figure_dir);

struct DatasetExamples {
  std::string task, dataset;
  torch::Tensor inputs, reconstructions;  // [K, H, W] in [0, 1]
};
// The first `count` images of every dataset of the run's downstream tasks (tasks whose data is
// missing skipped, as in the run) and their reconstructions by run.best(), on the CPU.
std::vector<DatasetExamples> reconstructExamples(const FigureRun& run,
                                                 const ReproduceOptions& options, int count);

struct DatasetScores {
  std::string task, dataset;
  double l1 = 0, ssim = 0;
  std::optional<double> lpips;
};
// Every dataset of every <run>/eval/<task>/metrics.json, in the run's task order.
std::vector<DatasetScores> datasetScores(const FigureRun& run);

}  // namespace morphaeus
