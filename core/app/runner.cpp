#include "core/app/runner.h"

#include <spdlog/fmt/ostr.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/app/run_directory.h"
#include "core/base/atomic_file.h"
#include "core/base/logging.h"
#include "core/base/run_layout.h"
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
#include "core/experiment/run_data.h"
#include "core/registry/data_factory.h"
#include "core/registry/model_factory.h"
#include "core/registry/registry.h"
#include "core/report/run_report.h"
#include "core/train/trainer.h"
#include "core/train/trainer_factory.h"

namespace morphaeus {

namespace {

std::string weightsOf(const Experiment& ex) {
  return ex.options().experiment.weights;
}

// Training from experiment.weights: the checkpoint, or nothing when a config or --set (not
// --resume or --weights) names a file that does not exist -- upstream's published morphaeus.yaml
// and baseline.yaml name weights that their repository does not hold; training then starts afresh.
std::string resumeWeightsOf(const Experiment& ex) {
  const std::string weights = weightsOf(ex);
  if (weights.empty() || std::filesystem::exists(weights)) return weights;
  const ConfigNode& node = ex.config.at("experiment").at("weights");
  if (ex.weights_from_flag) throw CheckpointError(weights, "no such file");
  spdlog::warn("{}: experiment.weights: {} does not exist; training starts from scratch",
               node.where().str(), weights);
  return std::string();
}

// A run resumed into another folder starts from the old run's best checkpoint (copied, atomically),
// so that the best weights survive when the resumed epochs do not improve on them.
void carryBestCheckpoint(const std::string& weights, const std::string& run_dir) {
  namespace fs = std::filesystem;
  const fs::path from = RunLayout(fs::path(weights).parent_path()).bestCheckpoint();
  const fs::path to = RunLayout(run_dir).bestCheckpoint();
  std::error_code ec;
  if (!fs::exists(from) || fs::exists(to) ||
      fs::equivalent(from.parent_path(), to.parent_path(), ec))
    return;
  std::ifstream in(from, std::ios::binary);
  writeFileAtomic(to.string(), [&](std::ostream& out) { out << in.rdbuf(); });
  spdlog::info("copied the resumed run's best checkpoint {} to {}", from.string(), to.string());
}

// A training run started again after a failure (`morphaeus launch --max-restarts`, torchrun, a
// job SLURM requeued) continues from its run directory's latest checkpoint, unless --resume or
// --weights says where from; it needs a fixed run directory to find it.
Experiment continuedAfterRestart(const RunOptions& options, Experiment ex,
                                 const DistributedOptions& dist) {
  const int restart = dist.restart;
  if (ex.weights_from_flag || ex.task() != "train") return ex;
  const std::string dir = ex.options().output_dir;
  if (dir.empty()) {
    throw ContextError(fmt::format(
        "{}={}: a restarted run continues from its run directory's {}, but this run has none "
        "of its own (give --output DIR or output_dir)",
        dist.restart_variable, restart, RunLayout::kLatestCheckpoint));
  }
  const std::string latest = RunLayout(dir).latestCheckpoint().string();
  if (!std::filesystem::exists(latest)) {
    spdlog::warn("restart {}: no checkpoint in {} yet; training starts from the beginning", restart,
                 dir);
    return ex;
  }
  spdlog::warn("restart {}: continuing from {}", restart, latest);
  RunOptions again = options;
  again.resume = latest;
  return loadExperiment(again);
}

// Trains with the configured trainer; returns the best checkpoint's path.
std::string trainModel(const Experiment& ex, const std::string& run_dir,
                       const torch::Device& device, std::shared_ptr<torch::nn::Module> model,
                       const DataContext& ctx, ProcessGroup* group) {
  const ConfigNode& trainer = ex.config.at("trainer");
  TrainerSetup setup;
  setup.run_dir = run_dir;
  setup.device = device;
  setup.model = model;
  setup.options = inContext(doingWith("reading the trainer's options", trainer),
                            [&] { return trainerOptions(trainer.at("params")); });
  setup.process_group = group;
  setup.after_validation = [run_dir](int64_t epoch, int64_t epochs) {
    try {  // a page to watch the run by; training goes on whatever happens to it
      writeRunReport(run_dir, versionString(), RunningBanner{epoch + 1, epochs});
    } catch (const std::exception& e) {
      spdlog::warn("{}/report.html not refreshed: {}", run_dir, e.what());
    }
  };
  const std::string weights = resumeWeightsOf(ex);
  if (!weights.empty()) {
    inContext("resuming from the checkpoint " + weights, [&] {
      setup.resume = readCheckpoint(weights);
      loadStateDict(*model, setup.resume->model_weights, weights);
    });
    spdlog::info("continuing from {} (epoch {})", weights, setup.resume->epoch);
    if (ProcessGroup::isMainProcess(group)) carryBestCheckpoint(weights, run_dir);
  }
  const auto batch = static_cast<std::size_t>(setup.options.batch_size.value_or(0));
  setup.data = inContext(doingWith("reading the training data", trainer.at("data_loader")),
                         [&] { return buildTrainingData(trainer.at("data_loader"), ctx, batch); });
  std::unique_ptr<Trainer> t = inContext(doingWith("setting up the trainer", trainer),
                                         [&] { return buildTrainer(std::move(setup), trainer); });
  // The trainers' random draws (VAE sampling, the AAE's and SI-VAE's noise, the DAE's input
  // noise) start from the run's seed, whatever building the model drew; a resumed run continues
  // the checkpoint's generator state instead (when it holds one).
  torch::manual_seed(static_cast<std::uint64_t>(ex.seed()));
  const TrainResult r = inContext(doingWith("training", trainer), [&] { return t->train(); });
  // Rank 0's last checkpoints are on disk before any rank reads them for evaluation.
  if (group != nullptr) group->barrier();
  spdlog::info("training finished after epoch {}{}: best validation loss {:.6f} in {}",
               r.last_epoch + 1, r.early_stopped ? " (early stopping)" : "", r.best_val,
               r.best_checkpoint);
  // Resumed without the old best checkpoint: the latest one.
  if (ProcessGroup::isMainProcess(group) && !std::filesystem::exists(r.best_checkpoint)) {
    spdlog::warn("no best checkpoint in the run directory; evaluating {}", r.latest_checkpoint);
    return r.latest_checkpoint;
  }
  return r.best_checkpoint;
}

// After training, the first task's normal/abnormal threshold is stored in the best checkpoint
// (key "threshold") for `morphaeus infer`.
void storeThreshold(double threshold, const std::string& checkpoint) {
  Checkpoint c = readCheckpoint(checkpoint);
  c.extra.erase(std::remove_if(c.extra.begin(), c.extra.end(),
                               [](const auto& kv) { return kv.first == "threshold"; }),
                c.extra.end());
  c.extra.emplace_back("threshold", threshold);
  writeCheckpoint(checkpoint, c);
  spdlog::info("stored the threshold {:.6f} in {}", threshold, checkpoint);
}

// Runs every downstream task with its registered evaluator; prints each summary table.
void evaluate(const Experiment& ex, const std::string& run_dir, const torch::Device& device,
              std::shared_ptr<torch::nn::Module> model, RunData& data, ProcessGroup* group,
              const std::string& trained_checkpoint) {
  std::vector<TaskData>& tasks = data.tasks;
  const bool main_rank = ProcessGroup::isMainProcess(group);
  for (TaskData& task : tasks) {
    const auto& factory =
        Registry::global().requireFactory<EvaluatorFactory>(ComponentKind::Evaluator, *task.block);
    EvaluationSetup setup;
    setup.task = task.name;
    setup.out_dir = RunLayout(run_dir).task(task.name).dir.string();
    setup.device = device;
    setup.model = model;
    setup.datasets = std::move(task.datasets);
    setup.normal_validation = data.threshold;
    setup.seed = static_cast<std::uint64_t>(ex.seed());
    setup.process_group = group;
    const std::string out_dir = setup.out_dir;
    const EvaluationResult result =
        inContext(doingWith("evaluating task " + task.name, *task.block),
                  [&] { return factory(std::move(setup), *task.block)->run(); });
    if (!main_rank) continue;  // rank 0 gathered and reported
    std::cout << "\n" << result.table << std::flush;
    spdlog::info("task {}: report in {}", task.name, out_dir);
    if (!trained_checkpoint.empty() && &task == &tasks.front() && result.threshold) {
      inContext("storing the threshold in " + trained_checkpoint,
                [&] { storeThreshold(*result.threshold, trained_checkpoint); });
    }
  }
}

// This process's part of a run: its threads, its rank's device and the process group.
struct RunProcess {
  ThreadChoice threads;
  torch::Device device{torch::kCPU};
  ProcessGroup* group = nullptr;  // null in one process
  bool main_rank = true;
};

// The threads first (a malformed OMP_NUM_THREADS or SLURM variable stops the run before anything
// is written), then the distributed launch (a restarted one continues from its checkpoint: `ex`
// changes), this rank's device and the process group.
RunProcess startProcess(const RunOptions& options, Experiment& ex) {
  RunProcess p;
  p.threads = configureThreads(ex.threads());
  DistributedOptions dist;
  try {
    dist = distributedOptions(options.distributed);
  } catch (const std::invalid_argument& e) {
    throw DistributedError("distributed launch: " + std::string(e.what()));
  }
  if (dist.restart > 0) ex = continuedAfterRestart(options, std::move(ex), dist);
  const std::string requested_device = resolveDevice(ex.device());
  p.device = requested_device == "cuda" && dist.enabled()
                 ? torch::Device(torch::kCUDA, static_cast<int8_t>(dist.local_rank))
                 : torch::Device(requested_device);
  if (dist.rank != 0) spdlog::set_level(spdlog::level::warn);  // rank 0 reports; others warn
  ProcessGroup::init(dist, p.device);
  p.group = ProcessGroup::current();  // passed down
  p.main_rank = ProcessGroup::isMainProcess(p.group);
  return p;
}

// Rank 0 creates the run directory (and alone writes the log file, config, checkpoints, metrics
// and reports); the others learn its path.
std::string openRunDirectory(const Experiment& ex, const RunProcess& p) {
  std::string run_dir;
  if (p.main_rank) {
    run_dir = inContext("creating the run directory",
                        [&] { return createRunDirectory(ex.options().output_dir, ex.name()); });
  }
  if (p.group != nullptr) run_dir = p.group->shareFromMain("run_dir", run_dir);
  if (p.main_rank) {
    addLogFile(RunLayout(run_dir).log().string());
    writeFileAtomic(RunLayout(run_dir).config().string(), ex.config.toYaml());
  }
  return run_dir;
}

// Seeds and determinism, and the log's head: version, run directory, device, threads, plan.
void startRun(const Experiment& ex, const RunProcess& p, const std::string& run_dir) {
  spdlog::info("{}", versionString());
  spdlog::info("run directory {}", run_dir);
  seedEverything(ex.seed());
  setDeterministic(ex.deterministic());
  spdlog::info("device {}, {} thread(s) ({}), seed {}", p.device.str(), p.threads.threads,
               p.threads.reason, ex.seed());
  std::istringstream plan(describePlan(ex));
  for (std::string line; std::getline(plan, line);) spdlog::info("{}", line);
}

// The synthetic data set when the config asks for it: rank 0 writes it, the others read it.
void synthesizeData(const Experiment& ex, const RunProcess& p) {
  const auto synthesize = [&] {
    const ConfigNode* block = ex.config.find("synthetic_data");
    if (block == nullptr) return;
    inContext(doingWith("generating the synthetic data", *block),
              [&] { ensureSyntheticData(ex.config); });
  };
  if (p.main_rank) synthesize();
  if (p.group != nullptr) p.group->barrier();
  if (!p.main_rank) synthesize();
}

}  // namespace

int runExperiment(const RunOptions& options) {
  Experiment ex = loadExperiment(options);
  crossCheckExperiment(ex);  // before the run directory, the data or a dry run's plan
  if (options.dry_run) {
    std::cout << "# Resolved configuration\n" << ex.config.toYaml() << "\n" << describePlan(ex);
    return 0;
  }
  const RunProcess p = startProcess(options, ex);
  const std::string run_dir = openRunDirectory(ex, p);
  startRun(ex, p, run_dir);
  synthesizeData(ex, p);
  RunData data = buildRunData(ex, p.group);  // the evaluation loaders, checked before training
  const ConfigNode& model_node = ex.config.at("model");
  auto model = inContext(doingWith("building the model", model_node), [&] {
    auto built = buildModel(model_node);
    built->to(p.device);
    return built;
  });
  std::string weights = weightsOf(ex), trained;
  if (ex.task() == "train") {
    if (!ex.config.has("trainer")) throw ex.config.error("task train needs a trainer block");
    weights = trained =
        trainModel(ex, run_dir, p.device, model, data.context, p.group);  // the best weights
  } else if (weights.empty()) {
    throw ex.config.error("task test needs experiment.weights (or --weights)");
  }
  model->to(torch::kFloat);  // after training in float64 (precision: fp64)
  inContext("loading the weights to evaluate from " + weights,
            [&] { loadStateDict(*model, readCheckpoint(weights).model_weights, weights); });
  spdlog::info("evaluating {}", weights);
  evaluate(ex, run_dir, p.device, model, data, p.group, trained);
  if (p.main_rank) {
    try {
      spdlog::info("report {}", writeRunReport(run_dir, versionString()));
    } catch (const std::exception& e) {  // the results are written; the page is a view of them
      spdlog::warn("{}/report.html not written: {}", run_dir, e.what());
    }
  }
  return 0;
}

}  // namespace morphaeus
