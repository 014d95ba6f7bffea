#include "core/commands/reproduce/sweep_task.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "core/base/atomic_file.h"
#include "core/base/run_layout.h"
#include "core/commands/reproduce/reproduce_command.h"
#include "core/train/stop_signal.h"
#include "data/data_error.h"

namespace morphaeus {
namespace fs = std::filesystem;

bool SweepTask::finished() const {
  return fs::exists(RunLayout(run_dir).sweepMarker());
}

std::optional<std::string> SweepTask::resumeFrom() const {
  const fs::path latest = RunLayout(run_dir).latestCheckpoint();
  if (!trains || !fs::exists(latest)) return std::nullopt;
  return latest.string();
}

std::vector<std::string> SweepTask::commandLine() const {
  std::vector<std::string> line = {"morphaeus"};
  line.insert(line.end(), args.begin(), args.end());
  if (const auto from = resumeFrom()) line.insert(line.end(), {"--resume", *from});
  return line;
}

void SweepTask::markFinished(double seconds) const {
  nlohmann::json what = marker;
  if (what.contains("seconds")) what["seconds"] = seconds;
  writeFileAtomic(RunLayout(run_dir).sweepMarker().string(), what.dump(2) + "\n");
}

SweepTask sweepTask(const SweepRunSpec& r, const ReproduceOptions& o, nlohmann::json marker) {
  SweepTask t;
  t.label = r.seed ? r.label + " seed " + std::to_string(*r.seed) : r.label;
  t.run_dir = r.run_dir;
  t.trains = !r.weights.has_value();
  t.marker = std::move(marker);
  auto& a = t.args;
  a = {"--config", r.config};
  if (r.seed) a.insert(a.end(), {"--seed", std::to_string(*r.seed)});
  a.insert(a.end(), {"--output", r.run_dir});
  if (r.weights) a.insert(a.end(), {"--task", "test", "--weights", *r.weights});
  if (o.device) a.insert(a.end(), {"--device", *o.device});
  if (o.threads) a.insert(a.end(), {"--threads", std::to_string(*o.threads)});
  if (o.data_root) a.insert(a.end(), {"--data-root", *o.data_root});
  if (o.epochs && t.trains)
    a.insert(a.end(), {"--set", "trainer.params.nr_epochs=" + std::to_string(*o.epochs)});
  for (const auto& s : r.sets) a.insert(a.end(), {"--set", s});
  for (const auto& s : o.sets) a.insert(a.end(), {"--set", s});
  return t;
}

pid_t startChild(const std::vector<std::string>& args,
                 const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("cannot start a run (fork failed)");
  if (pid == 0) {
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  return pid;
}

std::optional<int> childExitCode(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, WNOHANG) == 0) return std::nullopt;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int runChild(const std::vector<std::string>& args,
             const std::vector<std::pair<std::string, std::string>>& env) {
  const pid_t pid = startChild(args, env);
  bool forwarded = false;
  for (;;) {
    if (const auto code = childExitCode(pid)) return *code;
    if (stopRequested() && !forwarded) {
      kill(pid, stopSignal());
      forwarded = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

int runTask(const SweepTask& task, const std::vector<std::pair<std::string, std::string>>& env) {
  const auto start = std::chrono::steady_clock::now();
  const int rc = runChild(task.commandLine(), env);
  if (rc == 0)
    task.markFinished(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return rc;
}

void writeTasks(const std::string& path, const std::vector<SweepTask>& tasks) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& t : tasks) {
    list.push_back({{"label", t.label},
                    {"run_dir", t.run_dir},
                    {"args", t.args},
                    {"trains", t.trains},
                    {"marker", t.marker}});
  }
  writeFileAtomic(path, list.dump(1) + "\n");
}

std::vector<SweepTask> readTasks(const std::string& path) {
  std::vector<SweepTask> tasks;
  try {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot be read");
    for (const auto& j : nlohmann::json::parse(in)) {
      SweepTask t;
      t.label = j.at("label").get<std::string>();
      t.run_dir = j.at("run_dir").get<std::string>();
      t.args = j.at("args").get<std::vector<std::string>>();
      t.trains = j.at("trains").get<bool>();
      t.marker = j.at("marker");
      tasks.push_back(std::move(t));
    }
  } catch (const std::exception& e) {
    throw DataError(path + ": not a sweep's task list (" + e.what() + ")");
  }
  return tasks;
}

}  // namespace morphaeus
