// `morphaeus launch --nproc N -- morphaeus --config C ...`: starts N copies of a command on this
// machine as ranks 0..N-1 of one data-parallel run, the way torchrun --standalone does: each
// gets RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT (a free port
// unless --master-port says otherwise). SIGINT/SIGTERM are passed on to every rank. When a rank
// fails, the others are sent SIGTERM (they checkpoint and stop), and SIGKILL after
// --grace seconds; the launcher exits with the first failure's code -- or, with
// --max-restarts N (torchrun's flag), starts all ranks again, up to N times, each attempt with
// TORCHELASTIC_RESTART_COUNT set to its number (0 first): a training run restarted so continues
// from its run directory's latest_model.pt (core/app/runner.cpp). A signal from the user is
// passed on and never restarted.
//
// Each rank's threads are its share of the CPUs the launcher may use (cpu_budget.h divides them
// by LOCAL_WORLD_SIZE), not torchrun's 1. `--bind cores` also pins rank r to its own contiguous
// slice of the launcher's affinity mask (sched_setaffinity) and sets OMP_NUM_THREADS to the
// slice's size; more ranks than CPUs is exit code 2 before any rank starts.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace morphaeus {

struct LaunchOptions {
  int nproc = 2;
  std::string master_addr = "127.0.0.1";
  int master_port = 0;  // 0: a free port
  int grace_s = 30;
  int max_restarts = 0;       // torchrun's --max-restarts: attempts after the first failure
  std::string bind = "none";  ///< none | cores
  std::vector<std::string> command;
};

CLI::App* addLaunchCommand(CLI::App& app, LaunchOptions& options);
int runLaunch(const LaunchOptions& options);

}  // namespace morphaeus
