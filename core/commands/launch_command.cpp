#include "core/commands/launch_command.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/base/cpu_budget.h"

namespace morphaeus {
namespace {

volatile sig_atomic_t g_signal = 0;
void onSignal(int s) {
  g_signal = s;
}

int freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("launch: cannot open a socket to find a free port");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof(a);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("launch: cannot find a free port (give --master-port)");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

// The exit code a shell would report for a wait() status.
int exitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

// Rank `rank`'s contiguous slice of `cpus` (the first ranks take one more of the remainder).
std::vector<int> sliceOf(const std::vector<int>& cpus, int rank, int ranks) {
  const int n = static_cast<int>(cpus.size()), base = n / ranks, extra = n % ranks;
  const int begin = rank * base + std::min(rank, extra), size = base + (rank < extra ? 1 : 0);
  return {cpus.begin() + begin, cpus.begin() + begin + size};
}

pid_t start(const LaunchOptions& o, int rank, int port, int restart,
            const std::vector<int>& bound_cpus) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("launch: fork failed");
  if (pid > 0) return pid;
  if (!bound_cpus.empty()) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int c : bound_cpus) CPU_SET(c, &set);
    if (sched_setaffinity(0, sizeof(set), &set) != 0) {
      std::fprintf(stderr, "launch: rank %d: cannot bind to its CPUs\n", rank);
      std::_Exit(1);
    }
    ::setenv("OMP_NUM_THREADS", std::to_string(bound_cpus.size()).c_str(), 1);
  }
  ::setenv("RANK", std::to_string(rank).c_str(), 1);
  ::setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
  ::setenv("WORLD_SIZE", std::to_string(o.nproc).c_str(), 1);
  ::setenv("LOCAL_WORLD_SIZE", std::to_string(o.nproc).c_str(), 1);
  ::setenv("MASTER_ADDR", o.master_addr.c_str(), 1);
  ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
  ::setenv("MORPHAEUS_DISTRIBUTED", "1", 1);  // a process group also for --nproc 1
  // torchrun's: a restarted rank continues from its run directory's latest checkpoint.
  ::setenv("TORCHELASTIC_RESTART_COUNT", std::to_string(restart).c_str(), 1);
  ::setenv("TORCHELASTIC_MAX_RESTARTS", std::to_string(o.max_restarts).c_str(), 1);
  std::vector<std::string> args = o.command;
  // `morphaeus` not on PATH: this very executable.
  if (args[0] == "morphaeus" && std::system("command -v morphaeus >/dev/null 2>&1") != 0) {
    args[0] = "/proc/self/exe";
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  std::fprintf(stderr, "launch: cannot run %s\n", o.command[0].c_str());
  std::_Exit(127);
}

}  // namespace

CLI::App* addLaunchCommand(CLI::App& app, LaunchOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "launch", "run a command as N ranks of a data-parallel run on this machine (torchrun-like)");
  cmd->add_option("--nproc", o.nproc, "number of processes (ranks)")->check(CLI::Range(1, 1024));
  cmd->add_option("--master-addr", o.master_addr, "rendezvous host (default 127.0.0.1)");
  cmd->add_option("--master-port", o.master_port, "rendezvous port (default: a free one)");
  cmd->add_option("--grace", o.grace_s,
                  "seconds the other ranks get to stop after one fails (then SIGKILL)");
  cmd->add_option("--max-restarts", o.max_restarts,
                  "after a rank fails, stop the others and start all ranks again, up to N times; "
                  "a restarted training run continues from its run directory's latest_model.pt "
                  "(torchrun's flag)")
      ->check(CLI::Range(0, 1000));
  cmd->add_option("--bind", o.bind,
                  "cores: pin each rank to its own slice of the CPUs (default none: each rank "
                  "still gets its share of threads)")
      ->check(CLI::IsMember({"none", "cores"}));
  cmd->add_option("command", o.command, "the command after --, e.g. morphaeus --config C.yaml")
      ->required()
      ->expected(-1);
  return cmd;
}

namespace {

// One attempt: every rank started, then waited for. When one fails, the others get SIGTERM and,
// after the grace period, SIGKILL. Returns the first failure's exit code (0: all succeeded).
int runRanks(const LaunchOptions& o, int port, int restart, const std::vector<int>& cpus) {
  std::vector<pid_t> pids;
  for (int r = 0; r < o.nproc; ++r) {
    const std::vector<int> mine = cpus.empty() ? cpus : sliceOf(cpus, r, o.nproc);
    if (!mine.empty() && restart == 0)
      spdlog::info("launch: rank {} bound to CPU {}-{}", r, mine.front(), mine.back());
    pids.push_back(start(o, r, port, restart, mine));
  }
  std::vector<bool> done(pids.size(), false);
  int first_failure = 0, running = o.nproc, forwarded = 0;
  bool kill_pending = false;  // SIGKILL due at kill_at
  auto kill_at = std::chrono::steady_clock::now();
  auto signalAll = [&](int s) {
    for (std::size_t i = 0; i < pids.size(); ++i)
      if (!done[i]) ::kill(pids[i], s);
  };
  while (running > 0) {
    if (g_signal != 0 && forwarded != g_signal) {
      forwarded = g_signal;
      signalAll(g_signal);
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      for (std::size_t i = 0; i < pids.size(); ++i) {
        if (pids[i] != pid) continue;
        done[i] = true;
        --running;
        const int code = exitCode(status);
        if (code != 0 && first_failure == 0) {
          first_failure = code;
          spdlog::error("launch: rank {} exited with code {}; stopping the other ranks", i, code);
          signalAll(SIGTERM);
          kill_at = std::chrono::steady_clock::now() + std::chrono::seconds(o.grace_s);
          kill_pending = true;
        }
      }
      continue;
    }
    if (kill_pending && std::chrono::steady_clock::now() > kill_at) {
      signalAll(SIGKILL);
      kill_pending = false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return first_failure;
}

}  // namespace

int runLaunch(const LaunchOptions& o) {
  const std::vector<int> cpus = o.bind == "cores" ? affinityCpuList() : std::vector<int>{};
  if (o.bind == "cores" && static_cast<int>(cpus.size()) < o.nproc) {
    std::cerr << "error: launch --bind cores: " << o.nproc << " ranks for the " << cpus.size()
              << " CPU(s) this process may use (give fewer ranks, or --bind none)\n";
    return 2;
  }
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  for (int restart = 0;; ++restart) {
    // A fresh port for each attempt: the last one's may still be held by its closing sockets.
    const int port = o.master_port > 0 ? o.master_port : freePort();
    if (restart == 0) {
      spdlog::info("launch: {} ranks of '{}', rendezvous {}:{}", o.nproc, o.command[0],
                   o.master_addr, port);
    } else {
      spdlog::warn("launch: restart {} of {}: starting all {} ranks again, rendezvous {}:{}",
                   restart, o.max_restarts, o.nproc, o.master_addr, port);
    }
    const int code = runRanks(o, port, restart, cpus);
    if (code == 0) return 0;
    if (g_signal != 0) return code;  // stopped by the user: no restart
    if (restart == o.max_restarts) {
      if (o.max_restarts > 0)
        spdlog::error("launch: failed again after {} restart(s); giving up", o.max_restarts);
      return code;
    }
  }
}

}  // namespace morphaeus
