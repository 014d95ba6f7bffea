#include "core/runner.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <sstream>

#include "core/atomic_file.h"
#include "core/experiment.h"
#include "core/logging.h"
#include "core/plan.h"
#include "core/registry.h"
#include "core/run_directory.h"
#include "core/runtime.h"

namespace morphaeus {

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

  // Trainers and evaluators plug in through the registry's factories; components that are
  // registered for validation only have none yet.
  spdlog::warn("this build validates the configuration only: training and evaluation are not "
               "available yet (see README, Status)");
  return 0;
}

}  // namespace morphaeus
