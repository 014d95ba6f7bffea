#include <torch/torch.h>

#include "core/commands/bench/bench_rows.h"
#include "core/commands/bench/flop_counter.h"
#include "core/eval/anomaly_score.h"
#include "core/eval/task_scoring.h"
#include "core/metrics/ssim.h"
#include "core/registry/model_factory.h"
#include "models/morphaeus.h"

namespace morphaeus {

std::vector<BenchRow> benchEval(const BenchOptions& o, const torch::Device& device,
                                const std::string& precision) {
  const Experiment ex = loadBenchExperiment(o, precision);
  auto model = buildModel(ex.config.at("model"));
  model->to(device);
  model->eval();
  auto* morph = dynamic_cast<MorphAEusImpl*>(model.get());
  const auto size = benchImageSize(ex.config);
  // The scoring of the config's first downstream task (defaults without one).
  const AnomalyScoreOptions scoring = firstTaskScoring(ex.config).score;
  std::vector<BenchRow> rows;
  std::string profile = o.profile;
  for (int b : o.batches) {
    const auto x = torch::rand({b, 1, size[0], size[1]}, torch::TensorOptions().device(device));
    std::vector<WarpMode> modes = benchWarpModes(o);
    if (!morph) modes.resize(1);
    for (WarpMode mode : modes) {
      if (morph) morph->setWarpMode(mode);
      BenchRow r{"eval", morph ? warpModeName(mode) : "-", b, {}, {}};
      const auto step = [&] {
        const ScoredBatch s = scoreBatch(*model, x, scoring);
        double sum = s.score.sum().item<double>();
        for (const double v : ssimBatch(s.reconstruction, x, 1.0)) sum += v;
        if (!(sum == sum)) throw std::runtime_error("bench --what eval: NaN scores");
      };
      r.precision = precisionName(resolvePrecision(scoring.precision, device.type()).chosen);
      r.forward = timeSteps(step, o.warmup, o.steps, deviceSync(device));
      if (o.roofline) {
        const FlopCounter counter;
        step();
        r.flops = counter.flops();
      }
      profileStep(profile, step);
      rows.push_back(r);
    }
  }
  return rows;
}

}  // namespace morphaeus
