#include "core/commands/reproduce/reproduce_command.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/base/facts/upstream_seed.h"
#include "core/base/shared_files.h"
#include "core/commands/reproduce/child_run.h"
#include "core/commands/reproduce/paper_figures.h"
#include "core/commands/reproduce/results_table.h"
#include "core/config/yaml_loader.h"
#include "core/train/stop_signal.h"
#include "data/data_error.h"

namespace morphaeus {
namespace {
namespace fs = std::filesystem;

struct Method {
  std::string file, label;
  int64_t base_seed = static_cast<int64_t>(kUpstreamSeed);
};

std::vector<Method> discoverMethods(const std::string& dir) {
  if (!fs::is_directory(dir)) throw DataError(dir + ": no such folder of method configs");
  std::vector<Method> methods;
  for (const auto& stem : paperMethodFiles()) {
    const fs::path file = fs::path(dir) / (stem + ".yaml");
    if (!fs::exists(file)) continue;
    const ConfigNode config = loadYamlFile(file.string());
    Method m{file.string(), config.getString("name", stem),
             config.getInt("seed", static_cast<int64_t>(kUpstreamSeed))};
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
  return cmd;
}

int runReproduce(const ReproduceOptions& o) {
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
  int failed = 0, skipped = 0, ran = 0;
  double run_seconds = 0;  // of the runs done in this call
  for (const Method& m : methods) {
    for (int k = 0; k < o.seeds; ++k) {
      const int64_t seed = m.base_seed + k;
      const fs::path run = fs::absolute(fs::path(o.output) / fs::path(m.file).stem() /
                                        ("seed-" + std::to_string(seed)));
      if (fs::exists(finishedMarker(run.string()))) {
        spdlog::info("{} seed {}: finished before, skipped ({})", m.label, seed, run.string());
        table.addRun(m.label, run.string());
        ++skipped;
        continue;
      }
      if (stopRequested()) continue;  // stopped: no new runs, but the table has every finished one
      std::vector<std::string> args = {"morphaeus",          "--config", m.file,      "--seed",
                                       std::to_string(seed), "--output", run.string()};
      if (fs::exists(run / "latest_model.pt")) {
        spdlog::info("{} seed {}: resuming from {}", m.label, seed,
                     (run / "latest_model.pt").string());
        args.insert(args.end(), {"--resume", (run / "latest_model.pt").string()});
      }
      if (o.device) args.insert(args.end(), {"--device", *o.device});
      if (o.threads) args.insert(args.end(), {"--threads", std::to_string(*o.threads)});
      if (o.data_root) args.insert(args.end(), {"--data-root", *o.data_root});
      if (o.epochs)
        args.insert(args.end(), {"--set", "trainer.params.nr_epochs=" + std::to_string(*o.epochs)});
      for (const auto& s : o.sets) args.insert(args.end(), {"--set", s});
      const int total = static_cast<int>(methods.size()) * o.seeds;
      const int position = static_cast<int>(&m - methods.data()) * o.seeds + k + 1;
      std::string eta;
      if (ran > 0) {
        eta =
            fmt::format(", sweep ETA {:.0f} min", run_seconds / ran * (total - position + 1) / 60);
      }
      spdlog::info("reproduce: run {}/{} ({} done, {} skipped, {} failed{}): {} seed {} in {}",
                   position, total, ran, skipped, failed, eta, m.label, seed, run.string());
      const auto start = std::chrono::steady_clock::now();
      const int rc = runChild(args);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (rc != 0) {
        spdlog::error("{} seed {}: the run failed (exit code {}); see {}", m.label, seed, rc,
                      (run / "run.log").string());
        ++failed;
        continue;
      }
      const nlohmann::json done = {
          {"method", m.label}, {"config", m.file}, {"seed", seed}, {"seconds", seconds}};
      markFinished(run.string(), done);
      run_seconds += seconds;
      table.addRun(m.label, run.string());
      ++ran;
    }
  }
  const auto sections = table.sections();
  table.write(o.output, sections);
  std::cout << "\n" << ResultsTable::markdown(sections) << std::endl;
  spdlog::info("reproduce: {} run(s) done, {} skipped (finished before), {} failed; tables in {}",
               ran, skipped, failed, fs::absolute(o.output).string());
  if (stopRequested()) return 128 + stopSignal();
  return failed > 0 ? 1 : 0;
}

}  // namespace morphaeus
