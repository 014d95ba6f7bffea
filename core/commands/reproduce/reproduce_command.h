// `morphaeus reproduce`: the paper's comparison in one command. Trains and evaluates every
// method config of a folder (ae-s, ae-d, vae, b-vae, aae, si-vae, dae, baseline, morphaeus; the
// ones present) for N seeds, each run a child process of this executable in
// <output>/<method>/seed-<seed>/. A finished run is marked (reproduce.json) and skipped when the
// sweep is run again; an interrupted one resumes from its latest_model.pt. Finally the results
// tables (results_table.h) of all finished runs: the paper's bootstrap table, intervals and
// DeLong's test against MorphAEus (and of the pairs asked for), and over the seeds. The runs go
// one after another, --jobs N at once, or as a SLURM job array (sweep_launch.h).
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace morphaeus {

struct ReproduceOptions {
  std::string configs;     // folder of method configs (default: the paper's, or configs/)
  bool synthetic = false;  // the synthetic-data twins in configs/
  int seeds = 3;
  std::string output = "runs/reproduce";
  std::optional<int> epochs;      // overrides trainer.params.nr_epochs of every method
  std::vector<std::string> sets;  // --set overrides passed to every run
  std::optional<std::string> device, data_root;
  std::optional<int> threads;
  std::vector<std::string> compare;  // "A,B": DeLong's test of methods A and B (their labels)
  // --figure depth|teaser (paper_figures.h) instead of the table.
  std::string figure;
  std::string config;                // depth: the config (default cor/baseline.yaml)
  std::vector<std::string> weights;  // teaser: LABEL=FILE evaluated instead of trained
  int examples = 4;                  // depth: examples of each dataset in the figure
  // How the runs are run (sweep_launch.h).
  int jobs = 1;                    // local: runs at once
  std::string launcher = "local";  // local | slurm
  std::string sbatch;              // slurm: the user's sbatch options
  bool no_wait = false;            // slurm: return after submitting
  std::string slurm_task;          // inside an array task: its list of runs
};

CLI::App* addReproduceCommand(CLI::App& app, ReproduceOptions& options);
int runReproduce(const ReproduceOptions& options);

struct SweepLaunch;
// The launcher the options ask for, its state (SLURM's scripts and logs) in <sweep>/slurm.
SweepLaunch sweepLaunchOf(const ReproduceOptions& options, const std::string& sweep_dir);

// The method files of the paper's comparison, in table order.
const std::vector<std::string>& paperMethodFiles();

}  // namespace morphaeus
