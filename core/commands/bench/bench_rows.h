// What the model-level benchmarks of `morphaeus bench` measure and share: one row per
// (measurement, warp mode, batch size), printed by runBench as one table.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/commands/bench/bench_command.h"
#include "core/commands/bench/timing.h"
#include "core/experiment/experiment.h"
#include "models/warp/warp.h"

namespace morphaeus {

struct BenchRow {
  std::string what, mode;
  int batch = 0;
  TimingStats forward, train;  // forward only; forward + backward (runs == 0: not measured)
  double loss = std::numeric_limits<double>::quiet_NaN();  // train-step: the first step's loss
  std::string precision = "fp32";  // what the row ran in (fp32 | bf16 | fp64)
  double flops = 0;                // of one step (FlopCounter); 0: not counted
};

// The --precision values to measure: each one given, or the config's own ("").
inline std::vector<std::string> benchPrecisions(const BenchOptions& o) {
  return o.precisions.empty() ? std::vector<std::string>{""} : o.precisions;
}

// The warp modes --warp selects.
inline std::vector<WarpMode> benchWarpModes(const BenchOptions& o) {
  if (o.warp == "native") return {WarpMode::Native};
  if (o.warp == "grid_sample") return {WarpMode::GridSample};
  return {WarpMode::Native, WarpMode::GridSample};
}

inline const char* warpModeName(WarpMode m) {
  return m == WarpMode::Native ? "native" : "grid_sample";
}

inline std::function<void()> deviceSync(const torch::Device& device) {
  if (!device.is_cuda()) return {};
  return [] { torch::cuda::synchronize(); };
}

// The experiment a benchmark runs: --config (default: the embedded demo) with --set overrides.
// `precision` (non-empty) as --precision gives it.
inline Experiment loadBenchExperiment(const BenchOptions& o, const std::string& precision = "") {
  RunOptions run;
  run.config = o.config;
  run.sets = o.sets;
  if (!precision.empty()) run.precision = precision;
  return loadExperiment(run);
}

// The image size of the experiment: model.params.inshape, else trainer.params.input_size, else
// 128x128.
inline std::vector<int64_t> benchImageSize(const ConfigNode& config) {
  const ConfigNode& model = config.at("model");
  if (const ConfigNode* p = model.find("params"); p && p->isMap() && p->has("inshape"))
    return p->at("inshape").asIntList();
  if (const ConfigNode* t = config.find("trainer")) {
    if (const ConfigNode* p = t->find("params"); p && p->isMap() && p->has("input_size")) {
      return p->at("input_size").asIntList();
    }
  }
  return {128, 128};
}

// `--what eval`: the evaluator's per-batch work (reconstruction, anomaly map, scores, SSIM of
// every image) on random images, model in eval mode.
// One --precision value's rows ("": the config's).
std::vector<BenchRow> benchEval(const BenchOptions& options, const torch::Device& device,
                                const std::string& precision);

// `--what train-step`: one full step of the configured trainer (losses, backward, Adam) at
// `--epoch`, on random images or `--inputs`, from fresh or `--weights` weights.
std::vector<BenchRow> benchTrainStep(const BenchOptions& options, const torch::Device& device,
                                     const std::string& precision);

}  // namespace morphaeus
