#include "core/commands/reproduce/child_run.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "core/base/atomic_file.h"
#include "core/train/stop_signal.h"

namespace morphaeus {

int runChild(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::cout.flush();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("cannot start a run (fork failed)");
  if (pid == 0) {
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  bool forwarded = false;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (stopRequested() && !forwarded) {
      kill(pid, stopSignal());
      forwarded = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string finishedMarker(const std::string& run_dir) {
  return (std::filesystem::path(run_dir) / "reproduce.json").string();
}

void markFinished(const std::string& run_dir, const nlohmann::json& what) {
  writeFileAtomic(finishedMarker(run_dir), what.dump(2) + "\n");
}

}  // namespace morphaeus
