// How the runs of a sweep (`reproduce`, `reproduce --figure`) are run:
//   - here (`--launcher local`, the default): one after another, or `--jobs N` at once, each run
//     with its share of the CPUs (OMP_NUM_THREADS = the CPUs / N, unless --threads says) and,
//     where there are GPUs and the runs use them, one GPU each (CUDA_VISIBLE_DEVICES);
//   - on a SLURM cluster (`--launcher slurm`): one job array, one task per unfinished run, each
//     task this executable running that one run (`reproduce --slurm-task LIST`), resumed from its
//     latest_model.pt when SLURM requeues it; `--sbatch "ARGS"` passes the user's options to
//     sbatch. The command waits, saying `k of N runs finished`, or with `--no-wait` returns
//     after submitting: the same command run again later collects what finished, waits for what
//     is still queued or running, and submits only what is neither.
// Either way a finished run is marked (sweep_task.h) and skipped the next time; a failed one is
// named with its log's path.
#pragma once

#include <string>
#include <vector>

#include "core/commands/reproduce/sweep_task.h"

namespace morphaeus {

struct SweepLaunch {
  std::string launcher = "local";  // local | slurm
  int jobs = 1;                    // local: runs at once
  bool threads_given = false;      // --threads given: the runs keep it (no share of the CPUs)
  std::string device;              // --device as given ("" when not): whether runs take GPUs
  std::string sbatch;              // slurm: the user's sbatch options
  bool wait = true;                // slurm: wait for the array (else return after submitting)
  std::string state_dir;           // slurm: the array's scripts, task lists and logs
};

struct SweepOutcome {
  int ran = 0, skipped = 0, failed = 0;
  int pending = 0;  // slurm --no-wait: queued or running when the command returned
};

// Runs (or submits) every unfinished task. Throws std::runtime_error (one line) where the
// launcher cannot start at all: sbatch missing or refusing the options.
SweepOutcome runSweep(const std::vector<SweepTask>& tasks, const SweepLaunch& launch);

// The indices of the tasks still to run, in order; each finished one is logged as skipped and
// counted in `outcome.skipped`.
std::vector<std::size_t> unfinishedTasks(const std::vector<SweepTask>& tasks,
                                         SweepOutcome& outcome);

// Local: the tasks' runs, up to launch.jobs at once.
SweepOutcome runLocally(const std::vector<SweepTask>& tasks, const SweepLaunch& launch);
// SLURM: submitted as a job array (and waited for).
SweepOutcome runOnSlurm(const std::vector<SweepTask>& tasks, const SweepLaunch& launch);

// The array task's side: task SLURM_ARRAY_TASK_ID of the list `tasks_file`, run as runTask does.
// Returns the run's exit code.
int runSlurmArrayTask(const std::string& tasks_file);

}  // namespace morphaeus
