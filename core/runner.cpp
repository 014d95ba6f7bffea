#include "core/runner.h"

#include <spdlog/fmt/ostr.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <sstream>

#include "core/atomic_file.h"
#include "core/data_factory.h"
#include "core/experiment.h"
#include "core/logging.h"
#include "core/plan.h"
#include "core/registry.h"
#include "core/run_directory.h"
#include "core/runtime.h"

namespace morphaeus {

namespace {

// Builds every loader the experiment needs and reads its first batch, so that missing files and
// unreadable images show up before any long work starts.
void checkData(const Experiment& ex) {
  const DataContext ctx = dataContext(ex.config);
  auto first = [](const std::string& what, BatchLoader& loader) {
    loader.startEpoch(0);
    auto batch = loader.next();
    spdlog::info("{}: {} batch(es) per epoch, first batch {}", what, loader.batchesPerEpoch(),
                 batch ? fmt::format("{}", fmt::streamed(batch->images.sizes())) : "empty");
  };
  if (const ConfigNode* trainer = ex.config.find("trainer"); trainer && ex.task() == "train") {
    const ConfigNode* params = trainer->find("params");
    const auto batch = static_cast<std::size_t>(params ? params->getInt("batch_size", 0) : 0);
    TrainingData d = buildTrainingData(trainer->at("data_loader"), ctx, batch);
    first("train", *d.train);
    first("val", *d.val);
  }
  if (const ConfigNode* tasks = ex.config.find("downstream_tasks"); tasks && tasks->isMap()) {
    for (const auto& [name, task] : tasks->entries()) {
      for (auto& [dataset, loader] : buildTaskData(task, ctx)) first(name + "/" + dataset, *loader);
    }
  }
}

}  // namespace

int runExperiment(const RunOptions& options) {
  Experiment ex = loadExperiment(options);
  if (options.dry_run) {
    std::cout << "# Resolved configuration\n" << ex.config.toYaml() << "\n" << describePlan(ex);
    return 0;
  }

  const std::string run_dir = createRunDirectory(ex.config.getString("output_dir", ""), ex.name());
  addLogFile((std::filesystem::path(run_dir) / "run.log").string());
  writeFileAtomic((std::filesystem::path(run_dir) / "config.yaml").string(), ex.config.toYaml());

  spdlog::info("{}", versionString());
  spdlog::info("run directory {}", run_dir);
  const int threads = configureThreads(ex.threads());
  seedEverything(ex.seed());
  setDeterministic(ex.deterministic());
  const std::string device = resolveDevice(ex.device());
  spdlog::info("device {}, {} thread(s), seed {}", device, threads, ex.seed());
  std::istringstream plan(describePlan(ex));
  for (std::string line; std::getline(plan, line);) spdlog::info("{}", line);

  ensureSyntheticData(ex.config);
  checkData(ex);

  // Trainers and evaluators plug in through the registry's factories; components that are
  // registered for validation only have none yet.
  spdlog::warn("this build validates the configuration only: training and evaluation are not "
               "available yet (see README, Status)");
  return 0;
}

}  // namespace morphaeus
