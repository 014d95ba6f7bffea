#include <stdexcept>

#include "core/checkpoint/checkpoint.h"
#include "core/checkpoint/torch_file_reader.h"
#include "core/commands/bench/bench_rows.h"
#include "core/commands/bench/flop_counter.h"
#include "core/registry/model_factory.h"
#include "core/registry/registry.h"
#include "core/train/trainer.h"
#include "core/train/trainer_factory.h"
#include "data/data_error.h"

namespace morphaeus {
namespace {

// The batch of --inputs: a tensor, or {'x': tensor}, of at least 2 images [B, C, H, W].
torch::Tensor readInputs(const std::string& path) {
  const c10::IValue v = readTorchFile(path);
  torch::Tensor x;
  if (v.isTensor()) {
    x = v.toTensor();
  } else if (v.isGenericDict()) {
    const auto d = v.toGenericDict();
    if (d.contains(c10::IValue("x")) && d.at(c10::IValue("x")).isTensor())
      x = d.at(c10::IValue("x")).toTensor();
  }
  if (!x.defined()) throw DataError(path + ": expected a tensor or {'x': tensor}");
  if (x.dim() != 4 || x.size(0) < 2) {
    throw DataError(path +
                    ": the batch must be [B, C, H, W] with B >= 2 (BatchNorm in train mode)");
  }
  return x;
}

}  // namespace

std::vector<BenchRow> benchTrainStep(const BenchOptions& o, const torch::Device& device,
                                     const std::string& precision) {
  const Experiment ex = loadBenchExperiment(o, precision);
  const ConfigNode& trainer_node = ex.config.at("trainer");
  const TrainerOptions options = trainerOptions(trainer_node.at("params"));
  const auto size = benchImageSize(ex.config);
  const torch::Tensor given = o.inputs.empty() ? torch::Tensor() : readInputs(o.inputs);
  std::optional<Checkpoint> start;
  if (!o.weights.empty()) start = readCheckpoint(o.weights);
  std::vector<int> batches = o.batches;
  std::string profile = o.profile;
  if (given.defined()) batches = {static_cast<int>(given.size(0))};
  std::vector<BenchRow> rows;
  for (int b : batches) {
    if (b < 2) continue;  // BatchNorm in train mode needs two images
    for (WarpMode mode : benchWarpModes(o)) {
      auto model = buildModel(ex.config.at("model"));
      if (start) loadStateDict(*model, start->model_weights, o.weights);
      if (auto m = std::dynamic_pointer_cast<MorphAEusImpl>(model)) m->setWarpMode(mode);
      model->to(device);
      TrainerSetup setup;
      setup.run_dir = ".";
      setup.device = device;
      setup.model = model;
      setup.options = options;
      std::unique_ptr<Trainer> trainer = buildTrainer(std::move(setup), trainer_node);
      trainer->beginEpoch(o.epoch);
      const auto x = given.defined() ? given.to(device)
                                     : torch::rand({b, 1, size[0], size[1]},
                                                   torch::TensorOptions().device(device));
      BenchRow r{"train", warpModeName(mode), b, {}, {}};
      const auto step = [&] {
        const NamedLosses losses = trainer->step(x, o.epoch);
        if (!std::isfinite(r.loss)) r.loss = losses.front().second.item<double>();
      };
      const FastPathOptions& fast = trainer->fastPath();
      r.precision = fast.float64 ? "fp64" : fast.autocast ? "bf16" : "fp32";
      r.train = timeSteps(step, o.warmup, o.steps, deviceSync(device));
      if (o.roofline) {
        const FlopCounter counter;
        step();
        r.flops = counter.flops();
      }
      profileStep(profile, step);
      r.forward = r.train;
      rows.push_back(r);
    }
  }
  return rows;
}

}  // namespace morphaeus
