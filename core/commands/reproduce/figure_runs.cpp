#include "core/commands/reproduce/figure_runs.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "core/checkpoint/checkpoint.h"
#include "core/checkpoint/state_dict.h"
#include "core/commands/reproduce/sweep_launch.h"
#include "core/experiment/experiment.h"
#include "core/experiment/run_data.h"
#include "core/registry/data_factory.h"
#include "core/registry/model_factory.h"
#include "core/report/task_metrics.h"
#include "core/train/stop_signal.h"
#include "models/reconstruction.h"

namespace morphaeus {
std::string FigureRun::best() const {
  return weights ? *weights : RunLayout(run_dir).bestCheckpoint().string();
}

SweepOutcome runFigureRuns(const std::vector<FigureRun>& runs, const ReproduceOptions& o,
                           const std::string& figure_dir) {
  std::vector<SweepTask> tasks;
  for (const FigureRun& r : runs) {
    tasks.push_back(sweepTask({r.label, r.config, std::nullopt, r.run_dir, r.weights, r.sets}, o,
                              {{"figure_run", r.label}, {"config", r.config}, {"sets", r.sets}}));
  }
  return runSweep(tasks, sweepLaunchOf(o, figure_dir));
}

std::vector<DatasetExamples> reconstructExamples(const FigureRun& run, const ReproduceOptions& o,
                                                 int count) {
  RunOptions ro;
  ro.config = run.config;
  ro.sets = run.sets;
  ro.sets.insert(ro.sets.end(), o.sets.begin(), o.sets.end());
  ro.data_root = o.data_root;
  const Experiment ex = loadExperiment(ro);
  auto model = buildModel(ex.config.at("model"));
  const Checkpoint ckpt = readCheckpoint(run.best());
  loadStateDict(*model, ckpt.model_weights, run.best());
  model->eval();
  torch::NoGradGuard no_grad;
  std::vector<DatasetExamples> out;
  const DataContext ctx = dataContext(ex.config);
  const ConfigNode* tasks = ex.config.find("downstream_tasks");
  if (tasks == nullptr || !tasks->isMap()) return out;
  for (const auto& [task, block] : tasks->entries()) {
    if (!taskSkipReason(block, ctx).empty()) continue;
    for (auto& [dataset, loader] : buildTaskData(block, ctx)) {
      std::vector<torch::Tensor> images;
      int64_t have = 0;
      loader->startEpoch(0);
      while (have < count) {
        auto batch = loader->next();
        if (!batch) break;
        images.push_back(batch->images);
        have += batch->images.size(0);
      }
      if (images.empty()) continue;
      const torch::Tensor x = torch::cat(images).slice(0, 0, count);
      const torch::Tensor rec = reconstruct(*model, x).clamp(0, 1);
      out.push_back({task, dataset, x.select(1, 0).contiguous(), rec.select(1, 0).contiguous()});
    }
  }
  return out;
}

std::vector<DatasetScores> datasetScores(const FigureRun& run) {
  std::vector<DatasetScores> out;
  for (const TaskLayout& task : evaluatedTasks(RunLayout(run.run_dir))) {
    for (const auto& [name, d] : readTaskMetrics(task).datasets)
      out.push_back(
          {task.name(), name, d.l1_mean.value_or(0.0), d.ssim_mean.value_or(0.0), d.lpips_mean});
  }
  return out;
}

}  // namespace morphaeus
