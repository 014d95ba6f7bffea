// runLocally (sweep_launch.h): the runs as children of this process, up to --jobs at once.
#include <spdlog/spdlog.h>
#include <torch/cuda.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <deque>
#include <filesystem>
#include <thread>

#include "core/base/cpu_budget.h"
#include "core/base/run_layout.h"
#include "core/commands/reproduce/sweep_launch.h"
#include "core/train/stop_signal.h"

namespace morphaeus {
namespace {
namespace fs = std::filesystem;

struct Running {
  pid_t pid;
  std::size_t task;
  int slot;
  std::chrono::steady_clock::time_point started;
};

// The environment of the run in `slot`: its share of the CPUs, its GPU.
std::vector<std::pair<std::string, std::string>> slotEnvironment(const SweepLaunch& l, int slot,
                                                                 int threads, int gpus) {
  std::vector<std::pair<std::string, std::string>> env;
  if (l.jobs > 1 && !l.threads_given) env.emplace_back("OMP_NUM_THREADS", std::to_string(threads));
  if (l.jobs > 1 && gpus > 0) env.emplace_back("CUDA_VISIBLE_DEVICES", std::to_string(slot % gpus));
  return env;
}

}  // namespace

std::vector<std::size_t> unfinishedTasks(const std::vector<SweepTask>& tasks,
                                         SweepOutcome& outcome) {
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (tasks[i].finished()) {
      spdlog::info("{}: finished before, skipped ({})", tasks[i].label, tasks[i].run_dir);
      ++outcome.skipped;
    } else {
      todo.push_back(i);
    }
  }
  return todo;
}

SweepOutcome runLocally(const std::vector<SweepTask>& tasks, const SweepLaunch& l) {
  SweepOutcome out;
  const std::vector<std::size_t> todo = unfinishedTasks(tasks, out);
  std::deque<std::size_t> queue(todo.begin(), todo.end());
  const CpuBudget budget = processCpuBudget();
  const int cpus = budget.cpus;
  const int threads = std::max(1, cpus / l.jobs);
  const bool cpu_only = l.device == "cpu";
  const int gpus = cpu_only ? 0 : static_cast<int>(torch::cuda::device_count());
  if (l.jobs > 1 && !queue.empty()) {
    if (l.jobs > cpus) {
      spdlog::warn("--jobs {} with {} CPU(s) ({}): the runs share cores", l.jobs, cpus,
                   budget.source);
    }
    if (gpus > 0 && l.jobs > gpus)
      spdlog::warn("--jobs {} with {} GPU(s): runs share GPUs", l.jobs, gpus);
    spdlog::info("reproduce: {} run(s) at once, {}{}", l.jobs,
                 l.threads_given ? "--threads as given"
                                 : std::to_string(threads) + " thread(s) each (OMP_NUM_THREADS)",
                 gpus > 0 ? ", one GPU each (CUDA_VISIBLE_DEVICES)" : "");
  }
  const int total = static_cast<int>(queue.size());
  std::vector<Running> running;
  std::vector<bool> slot_busy(static_cast<std::size_t>(l.jobs), false);
  double seconds_done = 0;
  bool forwarded = false;
  while (!running.empty() || (!queue.empty() && !stopRequested())) {
    if (stopRequested() && !forwarded) {
      for (const auto& r : running) ::kill(r.pid, stopSignal());
      forwarded = true;
    }
    while (!stopRequested() && !queue.empty() && static_cast<int>(running.size()) < l.jobs) {
      const std::size_t i = queue.front();
      queue.pop_front();
      const SweepTask& t = tasks[i];
      const int slot = static_cast<int>(std::find(slot_busy.begin(), slot_busy.end(), false) -
                                        slot_busy.begin());
      slot_busy[static_cast<std::size_t>(slot)] = true;
      if (const auto from = t.resumeFrom()) spdlog::info("{}: resuming from {}", t.label, *from);
      const int position = total - static_cast<int>(queue.size());
      std::string eta;
      const int done = out.ran + out.failed;
      if (out.ran > 0) {
        eta = fmt::format(", sweep ETA {:.0f} min",
                          seconds_done / out.ran * (total - done) / l.jobs / 60);
      }
      spdlog::info("reproduce: run {}/{} ({} done, {} skipped, {} failed{}): {} in {}", position,
                   total, out.ran, out.skipped, out.failed, eta, t.label, t.run_dir);
      running.push_back({startChild(t.commandLine(), slotEnvironment(l, slot, threads, gpus)), i,
                         slot, std::chrono::steady_clock::now()});
    }
    for (std::size_t k = 0; k < running.size();) {
      const auto code = childExitCode(running[k].pid);
      if (!code) {
        ++k;
        continue;
      }
      const SweepTask& t = tasks[running[k].task];
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - running[k].started)
              .count();
      slot_busy[static_cast<std::size_t>(running[k].slot)] = false;
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(k));
      if (*code == 0) {
        t.markFinished(seconds);
        seconds_done += seconds;
        ++out.ran;
        if (l.jobs > 1) spdlog::info("reproduce: {} of {} runs finished", out.ran, total);
      } else {
        spdlog::error("{}: the run failed (exit code {}); see {}", t.label, *code,
                      RunLayout(t.run_dir).log().string());
        ++out.failed;
      }
    }
    if (!running.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return out;
}

SweepOutcome runSweep(const std::vector<SweepTask>& tasks, const SweepLaunch& launch) {
  return launch.launcher == "slurm" ? runOnSlurm(tasks, launch) : runLocally(tasks, launch);
}

}  // namespace morphaeus
