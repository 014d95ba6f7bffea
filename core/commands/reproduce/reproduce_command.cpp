#include "core/commands/reproduce/reproduce_command.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/base/shared_files.h"
#include "core/commands/reproduce/paper_figures.h"
#include "core/commands/reproduce/results_table.h"
#include "core/commands/reproduce/sweep_launch.h"
#include "core/config/experiment_schema.h"
#include "core/config/yaml_loader.h"
#include "core/train/stop_signal.h"
#include "data/data_error.h"

namespace morphaeus {
namespace {
namespace fs = std::filesystem;

struct Method {
  std::string file, label;
  int64_t base_seed = 0;  // experimentSeed(config)
};

std::vector<Method> discoverMethods(const std::string& dir) {
  if (!fs::is_directory(dir)) throw DataError(dir + ": no such folder of method configs");
  std::vector<Method> methods;
  for (const auto& stem : paperMethodFiles()) {
    const fs::path file = fs::path(dir) / (stem + ".yaml");
    if (!fs::exists(file)) continue;
    const ConfigNode config = loadYamlFile(file.string());
    Method m{file.string(), config.getString("name", stem), experimentSeed(config)};
    const std::string suffix = "-synthetic";
    if (m.label.size() > suffix.size() &&
        m.label.compare(m.label.size() - suffix.size(), suffix.size(), suffix) == 0) {
      m.label.resize(m.label.size() - suffix.size());
    }
    methods.push_back(m);
  }
  if (methods.empty())
    throw DataError(dir + ": none of the method configs (ae-s.yaml ... morphaeus.yaml)");
  return methods;
}

}  // namespace

const std::vector<std::string>& paperMethodFiles() {
  static const std::vector<std::string> kFiles = {"ae-s",   "ae-d", "vae",      "b-vae",    "aae",
                                                  "si-vae", "dae",  "baseline", "morphaeus"};
  return kFiles;
}

CLI::App* addReproduceCommand(CLI::App& app, ReproduceOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "reproduce", "train and evaluate every method for N seeds; the paper's table");
  cmd->add_option("--configs", o.configs,
                  "folder of method configs (default projects/morphaeus/configs/cxr, or configs "
                  "with --synthetic)");
  cmd->add_flag("--synthetic", o.synthetic,
                "the synthetic-data twins (configs/): short schedules, no downloads");
  cmd->add_option("--seeds", o.seeds, "runs per method (seeds: the config's seed + 0, 1, ...)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--output", o.output, "sweep folder (default runs/reproduce)");
  cmd->add_option("--epochs", o.epochs, "override every method's nr_epochs")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--set", o.sets, "override a config value in every run (key.path=value)")
      ->take_all();
  cmd->add_option("--device", o.device, "cpu | cuda | auto")
      ->check(CLI::IsMember({"cpu", "cuda", "gpu", "auto"}));
  cmd->add_option("--threads", o.threads,
                  "intra-op threads per run (0 = the CPUs this process may use)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--data-root", o.data_root, "base folder for image paths inside split CSVs");
  cmd->add_option("--compare", o.compare,
                  "A,B: DeLong's test of two methods (their table names, e.g. AE-S,VAE); "
                  "repeatable. Every method is tested against MorphAEus in any case")
      ->take_all();
  cmd->add_option("--figure", o.figure,
                  "a figure of the paper instead of the table: depth (Figure 2, cor/baseline.yaml) "
                  "or teaser (Figure 1, teaser/ae-s.yaml and teaser/morphaeus.yaml)")
      ->check(CLI::IsMember({"depth", "teaser"}));
  cmd->add_option("--config", o.config, "--figure depth: the config (default the paper's)");
  cmd->add_option("--weights", o.weights,
                  "--figure teaser: LABEL=FILE, evaluate these weights instead of training that "
                  "model (e.g. AE-S=best_model.pt); repeatable")
      ->take_all();
  cmd->add_option("--examples", o.examples, "--figure depth: examples of each dataset shown")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--jobs", o.jobs,
                  "runs at once on this machine, each with its share of the CPUs (or one GPU "
                  "each where there are GPUs)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--launcher", o.launcher,
                  "local (this machine) or slurm (one job array, a task per run; waits for it)")
      ->check(CLI::IsMember({"local", "slurm"}));
  cmd->add_option("--sbatch", o.sbatch,
                  "--launcher slurm: options for sbatch, e.g. \"--partition gpu --gres gpu:1 "
                  "--cpus-per-task 8 --time 2-00:00:00 --account A\"");
  cmd->add_flag("--no-wait", o.no_wait,
                "--launcher slurm: return after submitting; the same command run again collects "
                "(and submits only what is unfinished)");
  cmd->add_option("--slurm-task", o.slurm_task, "(the array task's side; set by --launcher slurm)")
      ->group("");
  return cmd;
}

SweepLaunch sweepLaunchOf(const ReproduceOptions& o, const std::string& sweep_dir) {
  SweepLaunch l;
  l.launcher = o.launcher;
  l.jobs = o.jobs;
  l.threads_given = o.threads.has_value();
  l.device = o.device.value_or("");
  l.sbatch = o.sbatch;
  l.wait = !o.no_wait;
  l.state_dir = (fs::absolute(sweep_dir) / "slurm").string();
  return l;
}

namespace {

// The launch options that only mean something together, checked before anything runs.
void checkLaunchOptions(const ReproduceOptions& o) {
  if (o.launcher != "slurm" && (!o.sbatch.empty() || o.no_wait))
    throw std::runtime_error(std::string(o.no_wait ? "--no-wait" : "--sbatch") +
                             " needs --launcher slurm");
  if (o.launcher == "slurm" && o.jobs != 1)
    throw std::runtime_error("--jobs is for --launcher local (SLURM runs every task it can)");
}

}  // namespace

int runReproduce(const ReproduceOptions& o) {
  if (!o.slurm_task.empty()) return runSlurmArrayTask(o.slurm_task);
  checkLaunchOptions(o);
  if (o.figure == "depth") return runDepthFigure(o);
  if (o.figure == "teaser") return runTeaserFigure(o);
  // The given folder, or the shipped configs (also outside a checkout).
  const std::string dir = !o.configs.empty() ? o.configs
                          : o.synthetic      ? shippedOrGiven("configs")
                                             : shippedOrGiven("projects/morphaeus/configs/cxr");
  const std::vector<Method> methods = discoverMethods(dir);
  installStopHandlers();
  fs::create_directories(o.output);
  ResultsTable table;
  for (const Method& m : methods)
    if (fs::path(m.file).stem() == "morphaeus") table.reference = m.label;
  for (const std::string& pair : o.compare) {
    const auto comma = pair.find(',');
    const std::string a = pair.substr(0, comma),
                      b = comma == std::string::npos ? "" : pair.substr(comma + 1);
    for (const std::string& name : {a, b}) {
      if (std::none_of(methods.begin(), methods.end(),
                       [&](const Method& m) { return m.label == name; }))
        throw std::runtime_error("--compare " + pair + ": no method '" + name + "' in " + dir);
    }
    table.pairs.emplace_back(a, b);
  }
  std::vector<SweepTask> tasks;
  std::vector<std::string> labels;  // each task's method
  for (const Method& m : methods) {
    for (int k = 0; k < o.seeds; ++k) {
      const int64_t seed = m.base_seed + k;
      const std::string run = fs::absolute(fs::path(o.output) / fs::path(m.file).stem() /
                                           ("seed-" + std::to_string(seed)))
                                  .string();
      tasks.push_back(
          sweepTask({m.label, m.file, seed, run, std::nullopt, {}}, o,
                    {{"method", m.label}, {"config", m.file}, {"seed", seed}, {"seconds", 0.0}}));
      labels.push_back(m.label);
    }
  }
  const SweepOutcome done = runSweep(tasks, sweepLaunchOf(o, o.output));
  if (done.pending > 0) return stopRequested() ? 128 + stopSignal() : 0;  // collected later
  for (std::size_t i = 0; i < tasks.size(); ++i)
    if (tasks[i].finished()) table.addRun(labels[i], tasks[i].run_dir);
  const auto sections = table.sections();
  table.write(o.output, sections);
  std::cout << "\n" << ResultsTable::markdown(sections) << std::endl;
  spdlog::info("reproduce: {} run(s) done, {} skipped (finished before), {} failed; tables in {}",
               done.ran, done.skipped, done.failed, fs::absolute(o.output).string());
  if (stopRequested()) return 128 + stopSignal();
  return done.failed > 0 ? 1 : 0;
}

}  // namespace morphaeus
