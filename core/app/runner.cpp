#include "core/app/runner.h"

#include <spdlog/fmt/ostr.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/app/run_directory.h"
#include "core/base/atomic_file.h"
#include "core/base/logging.h"
#include "core/base/runtime.h"
#include "core/checkpoint/checkpoint.h"
#include "core/checkpoint/checkpoint_error.h"
#include "core/config/config_error.h"
#include "core/config/error_context.h"
#include "core/distributed/process_group.h"
#include "core/eval/evaluator.h"
#include "core/experiment/experiment.h"
#include "core/experiment/experiment_check.h"
#include "core/experiment/plan.h"
#include "core/registry/data_factory.h"
#include "core/registry/model_factory.h"
#include "core/registry/registry.h"
#include "core/train/trainer.h"

namespace morphaeus {

namespace {

std::string weightsOf(const Experiment& ex) {
  const ConfigNode* e = ex.config.find("experiment");
  return e && e->has("weights") ? e->at("weights").asString() : std::string();
}

// Training from experiment.weights: the checkpoint, or nothing when a config (not --resume or
// --weights) names a file that does not exist -- upstream's published morphaeus.yaml and
// baseline.yaml name weights that their repository does not hold; training then starts afresh.
std::string resumeWeightsOf(const Experiment& ex) {
  const std::string weights = weightsOf(ex);
  if (weights.empty() || std::filesystem::exists(weights)) return weights;
  const ConfigNode& node = ex.config.at("experiment").at("weights");
  if (node.where().file.rfind("--", 0) == 0) throw CheckpointError(weights, "no such file");
  spdlog::warn("{}: experiment.weights: {} does not exist; training starts from scratch",
               node.where().str(), weights);
  return std::string();
}

// A run resumed into another folder starts from the old run's best checkpoint (copied, atomically),
// so that the best weights survive when the resumed epochs do not improve on them.
void carryBestCheckpoint(const std::string& weights, const std::string& run_dir) {
  namespace fs = std::filesystem;
  const fs::path from = fs::path(weights).parent_path() / "best_model.pt";
  const fs::path to = fs::path(run_dir) / "best_model.pt";
  std::error_code ec;
  if (!fs::exists(from) || fs::exists(to) ||
      fs::equivalent(from.parent_path(), to.parent_path(), ec))
    return;
  std::ifstream in(from, std::ios::binary);
  writeFileAtomic(to.string(), [&](std::ostream& out) { out << in.rdbuf(); });
  spdlog::info("copied the resumed run's best checkpoint {} to {}", from.string(), to.string());
}

// Trains with the configured trainer; returns the best checkpoint's path.
std::string trainModel(const Experiment& ex, const std::string& run_dir,
                       const torch::Device& device, std::shared_ptr<torch::nn::Module> model) {
  const ConfigNode& trainer = ex.config.at("trainer");
  const auto& factory =
      Registry::global().requireFactory<TrainerFactory>(ComponentKind::Trainer, trainer);
  TrainerSetup setup;
  setup.run_dir = run_dir;
  setup.device = device;
  setup.model = model;
  setup.params = trainer.at("params");
  setup.process_group = ProcessGroup::current();
  const std::string weights = resumeWeightsOf(ex);
  if (!weights.empty()) {
    inContext("resuming from the checkpoint " + weights, [&] {
      setup.resume = readCheckpoint(weights);
      loadStateDict(*model, setup.resume->model_weights, weights);
    });
    spdlog::info("continuing from {} (epoch {})", weights, setup.resume->epoch);
    if (ProcessGroup::isMainProcess()) carryBestCheckpoint(weights, run_dir);
  }
  const auto batch = static_cast<std::size_t>(setup.params.getInt("batch_size", 0));
  setup.data = inContext(doingWith("reading the training data", trainer.at("data_loader")), [&] {
    return buildTrainingData(trainer.at("data_loader"), dataContext(ex.config), batch);
  });
  std::unique_ptr<Trainer> t = inContext(doingWith("setting up the trainer", trainer),
                                         [&] { return factory(std::move(setup)); });
  // The trainers' random draws (VAE sampling, the AAE's and SI-VAE's noise, the DAE's input
  // noise) start from the run's seed, whatever building the model drew; a resumed run continues
  // the checkpoint's generator state instead (when it holds one).
  torch::manual_seed(static_cast<std::uint64_t>(ex.seed()));
  const TrainResult r = inContext(doingWith("training", trainer), [&] { return t->train(); });
  // Rank 0's last checkpoints are on disk before any rank reads them for evaluation.
  if (ProcessGroup* g = ProcessGroup::current()) g->barrier();
  spdlog::info("training finished after epoch {}{}: best validation loss {:.6f} in {}",
               r.last_epoch + 1, r.early_stopped ? " (early stopping)" : "", r.best_val,
               r.best_checkpoint);
  if (ProcessGroup::isMainProcess() &&
      !std::filesystem::exists(r.best_checkpoint)) {  // resumed without the old best checkpoint
    spdlog::warn("no best checkpoint in the run directory; evaluating {}", r.latest_checkpoint);
    return r.latest_checkpoint;
  }
  return r.best_checkpoint;
}

// Runs every downstream task with its registered evaluator; prints each summary table.
// After training, the first task's normal/abnormal threshold is stored in the best checkpoint
// (key "threshold") for `morphaeus infer`.
void storeThreshold(const std::string& metrics_json, const std::string& checkpoint) {
  std::ifstream in(metrics_json);
  const auto metrics = nlohmann::json::parse(in, nullptr, false);
  if (metrics.is_discarded() || !metrics.contains("threshold")) return;
  Checkpoint c = readCheckpoint(checkpoint);
  c.extra.erase(std::remove_if(c.extra.begin(), c.extra.end(),
                               [](const auto& kv) { return kv.first == "threshold"; }),
                c.extra.end());
  c.extra.emplace_back("threshold", metrics["threshold"]["value"].get<double>());
  writeCheckpoint(checkpoint, c);
  spdlog::info("stored the threshold {:.6f} in {}", metrics["threshold"]["value"].get<double>(),
               checkpoint);
}

void evaluate(const Experiment& ex, const std::string& run_dir, const torch::Device& device,
              std::shared_ptr<torch::nn::Module> model, const std::string& trained_checkpoint) {
  const ConfigNode* tasks = ex.config.find("downstream_tasks");
  if (tasks == nullptr || !tasks->isMap() || tasks->entries().empty()) return;
  const DataContext ctx = dataContext(ex.config);  // multi-process runs: this rank's shards
  std::shared_ptr<BatchLoader> validation;
  try {
    validation = buildThresholdData(ex.config, ctx);
  } catch (const std::exception& e) {
    spdlog::warn("no normal validation data for a threshold ({})", e.what());
  }
  if (!validation) spdlog::info("no normal validation split: no normal/abnormal threshold");
  for (const auto& [name, task] : tasks->entries()) {
    const auto& factory =
        Registry::global().requireFactory<EvaluatorFactory>(ComponentKind::Evaluator, task);
    EvaluationSetup setup;
    setup.task = name;
    setup.config = task;
    setup.out_dir = (std::filesystem::path(run_dir) / "eval" / name).string();
    setup.device = device;
    setup.model = model;
    setup.normal_validation = validation;
    setup.seed = static_cast<std::uint64_t>(ex.seed());
    const std::string table = inContext(doingWith("evaluating task " + name, task), [&] {
      setup.datasets = buildTaskData(task, ctx);
      return factory(std::move(setup))->run();
    });
    if (!ProcessGroup::isMainProcess()) continue;  // rank 0 gathered and reported
    std::cout << "\n" << table << std::flush;
    const auto report = std::filesystem::path(run_dir) / "eval" / name;
    spdlog::info("task {}: report in {}", name, report.string());
    if (!trained_checkpoint.empty() && &task == &tasks->entries().front().second) {
      inContext("storing the threshold in " + trained_checkpoint,
                [&] { storeThreshold((report / "metrics.json").string(), trained_checkpoint); });
    }
  }
}

// Builds the evaluation loaders and reads their first batch, so that missing files and
// unreadable images show up before any long work starts.
void checkTaskData(const Experiment& ex) {
  const DataContext ctx = dataContext(ex.config);
  auto first = [](const std::string& what, BatchLoader& loader) {
    loader.startEpoch(0);
    auto batch = loader.next();
    spdlog::info("{}: {} batch(es) per epoch, first batch {}", what, loader.batchesPerEpoch(),
                 batch ? fmt::format("{}", fmt::streamed(batch->images.sizes())) : "empty");
  };
  if (const ConfigNode* tasks = ex.config.find("downstream_tasks"); tasks && tasks->isMap()) {
    for (const auto& [name, task] : tasks->entries()) {
      inContext(doingWith("reading the first batches of task " + name, task), [&] {
        for (auto& [dataset, loader] : buildTaskData(task, ctx))
          first(name + "/" + dataset, *loader);
      });
    }
  }
}

}  // namespace

int runExperiment(const RunOptions& options) {
  Experiment ex = loadExperiment(options);
  crossCheckExperiment(ex);  // before the run directory, the data or a dry run's plan
  if (options.dry_run) {
    std::cout << "# Resolved configuration\n" << ex.config.toYaml() << "\n" << describePlan(ex);
    return 0;
  }

  DistributedOptions dist;
  try {
    dist = distributedOptions(options.distributed);
  } catch (const std::invalid_argument& e) {
    throw DistributedError("distributed launch: " + std::string(e.what()));
  }
  const std::string requested_device = resolveDevice(ex.device());
  const torch::Device device(requested_device == "cuda" && dist.enabled()
                                 ? torch::Device(torch::kCUDA, static_cast<int8_t>(dist.local_rank))
                                 : torch::Device(requested_device));
  if (dist.rank != 0) spdlog::set_level(spdlog::level::warn);  // rank 0 reports; others warn
  ProcessGroup::init(dist, device);
  const bool main_rank = ProcessGroup::isMainProcess();

  // Rank 0 creates the run directory (and alone writes the log file, config, checkpoints,
  // metrics and reports); the others learn its path.
  std::string run_dir;
  if (main_rank) {
    run_dir = inContext("creating the run directory", [&] {
      return createRunDirectory(ex.config.getString("output_dir", ""), ex.name());
    });
  }
  if (ProcessGroup* g = ProcessGroup::current()) run_dir = g->shareFromMain("run_dir", run_dir);
  if (main_rank) {
    addLogFile((std::filesystem::path(run_dir) / "run.log").string());
    writeFileAtomic((std::filesystem::path(run_dir) / "config.yaml").string(), ex.config.toYaml());
  }

  spdlog::info("{}", versionString());
  spdlog::info("run directory {}", run_dir);
  const int threads = configureThreads(ex.threads());
  seedEverything(ex.seed());
  setDeterministic(ex.deterministic());
  spdlog::info("device {}, {} thread(s), seed {}", device.str(), threads, ex.seed());
  std::istringstream plan(describePlan(ex));
  for (std::string line; std::getline(plan, line);) spdlog::info("{}", line);

  const auto synthesize = [&] {
    const ConfigNode* block = ex.config.find("synthetic_data");
    if (block == nullptr) return;
    inContext(doingWith("generating the synthetic data", *block),
              [&] { ensureSyntheticData(ex.config); });
  };
  if (main_rank) synthesize();  // the others read what rank 0 wrote
  if (ProcessGroup* g = ProcessGroup::current()) g->barrier();
  if (!main_rank) synthesize();
  checkTaskData(ex);
  const ConfigNode& model_node = ex.config.at("model");
  auto model = inContext(doingWith("building the model", model_node), [&] {
    auto built = buildModel(model_node);
    built->to(device);
    return built;
  });
  std::string weights = weightsOf(ex), trained;
  if (ex.task() == "train") {
    if (!ex.config.has("trainer")) throw ex.config.error("task train needs a trainer block");
    weights = trained = trainModel(ex, run_dir, device, model);  // evaluate the best weights
  } else if (weights.empty()) {
    throw ex.config.error("task test needs experiment.weights (or --weights)");
  }
  model->to(torch::kFloat);  // after training in float64 (precision: fp64)
  inContext("loading the weights to evaluate from " + weights,
            [&] { loadStateDict(*model, readCheckpoint(weights).model_weights, weights); });
  spdlog::info("evaluating {}", weights);
  evaluate(ex, run_dir, device, model, trained);
  return 0;
}

}  // namespace morphaeus
