#include <torch/csrc/autograd/profiler_legacy.h>

#include <stdexcept>

#include "core/bench/bench_rows.h"
#include "core/checkpoint/checkpoint.h"
#include "core/checkpoint/torch_file_reader.h"
#include "core/model_factory.h"
#include "core/registry.h"
#include "core/trainer/trainer.h"

#ifdef MORPHAEUS_HAVE_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace morphaeus {
namespace {

torch::Tensor readInputs(const std::string& path) {
  const c10::IValue v = readTorchFile(path);
  if (v.isTensor()) return v.toTensor();
  if (v.isGenericDict()) {
    const auto d = v.toGenericDict();
    if (d.contains(c10::IValue("x")) && d.at(c10::IValue("x")).isTensor())
      return d.at(c10::IValue("x")).toTensor();
  }
  throw std::runtime_error(path + ": expected a tensor or {'x': tensor}");
}

}  // namespace

void profileStep(std::string& profile, const std::function<void()>& step) {
  if (profile.empty()) return;
  {
    torch::autograd::profiler::RecordProfile guard(profile);
    step();
  }
  profile.clear();
}

double cudaPeakAllocatedMiB(const torch::Device& device) {
#ifdef MORPHAEUS_HAVE_CUDA
  const auto stats =
      c10::cuda::CUDACachingAllocator::getDeviceStats(device.has_index() ? device.index() : 0);
  return static_cast<double>(stats.allocated_bytes[0].peak) / 1048576.0;
#else
  (void)device;
  return 0;
#endif
}

std::vector<BenchRow> benchTrainStep(const BenchOptions& o, const torch::Device& device) {
  const Experiment ex = loadBenchExperiment(o);
  const ConfigNode& trainer_node = ex.config.at("trainer");
  const auto& factory =
      Registry::global().requireFactory<TrainerFactory>(ComponentKind::Trainer, trainer_node);
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
      setup.params = trainer_node.at("params");
      std::unique_ptr<Trainer> trainer = factory(std::move(setup));
      trainer->beginEpoch(o.epoch);
      const auto x = given.defined() ? given.to(device)
                                     : torch::rand({b, 1, size[0], size[1]},
                                                   torch::TensorOptions().device(device));
      BenchRow r{"train", warpModeName(mode), b, {}, {}};
      const auto step = [&] {
        const NamedLosses losses = trainer->step(x, o.epoch);
        if (!std::isfinite(r.loss)) r.loss = losses.front().second.item<double>();
      };
      r.train = timeSteps(step, o.warmup, o.steps, deviceSync(device));
      profileStep(profile, step);
      r.forward = r.train;
      rows.push_back(r);
    }
  }
  return rows;
}

}  // namespace morphaeus
