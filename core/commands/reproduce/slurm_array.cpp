// runOnSlurm and runSlurmArrayTask (sweep_launch.h): a sweep as one SLURM job array per
// submission. In <state_dir>: array-<n>.sh (the batch script), tasks-<n>.json (the array's
// runs, in array order), <job>_<index>.out (each task's output) and submissions.json (every
// submission's job id and runs, so that the command run again knows what is still in flight).
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "core/base/atomic_file.h"
#include "core/base/environment_error.h"
#include "core/base/run_layout.h"
#include "core/commands/reproduce/sweep_launch.h"
#include "core/train/stop_signal.h"
#include "data/data_error.h"

namespace morphaeus {
namespace {
namespace fs = std::filesystem;

bool onPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && ::access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

struct Captured {
  int code = -1;
  std::string out, err;
};

std::string slurped(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `argv` (found on PATH) with its output captured.
Captured capture(const std::vector<std::string>& argv) {
  char out_name[] = "/tmp/morphaeus-slurm-out-XXXXXX";
  char err_name[] = "/tmp/morphaeus-slurm-err-XXXXXX";
  const int out_fd = ::mkstemp(out_name), err_fd = ::mkstemp(err_name);
  if (out_fd < 0 || err_fd < 0) throw std::runtime_error("cannot make a temporary file in /tmp");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  Captured c;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::execvp(args[0], args.data());
    _exit(127);
  }
  ::close(out_fd);
  ::close(err_fd);
  int status = 0;
  if (pid > 0 && ::waitpid(pid, &status, 0) == pid)
    c.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  c.out = slurped(out_name);
  c.err = slurped(err_name);
  ::unlink(out_name);
  ::unlink(err_name);
  return c;
}

// A message's lines as one: "a / b".
std::string oneLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  std::string out;
  for (char ch : text) out += ch == '\n' ? std::string(" / ") : std::string(1, ch);
  return out;
}

// The user's sbatch options as words: whitespace separates, '...' and "..." quote.
std::vector<std::string> shellWords(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char ch : text) {
    if (quote != 0) {
      if (ch == quote) {
        quote = 0;
      } else {
        word += ch;
      }
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
      in_word = true;
    } else if (ch == ' ' || ch == '\t' || ch == '\n') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += ch;
      in_word = true;
    }
  }
  if (quote != 0) throw std::runtime_error("--sbatch \"" + text + "\": unbalanced quote");
  if (in_word) words.push_back(word);
  return words;
}

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return q + "'";
}

std::string thisExecutable() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find this executable's path (/proc/self/exe)");
  return exe.string();
}

int pollSeconds() {
  const char* v = std::getenv("MORPHAEUS_SLURM_POLL_S");
  if (v == nullptr || *v == 0) return 10;
  char* end = nullptr;
  const long s = std::strtol(v, &end, 10);
  if (*end != 0 || s < 1 || s > 3600)
    throw EnvironmentError("MORPHAEUS_SLURM_POLL_S", v, "expected whole seconds in [1, 3600]");
  return static_cast<int>(s);
}

// "<job>_<index>" of every array task in the queue (pending, running, completing), or nullopt
// when squeue failed (its message in `why`).
std::optional<std::set<std::string>> queued(std::string& why) {
  const Captured c = capture({"squeue", "-h", "-r", "-o", "%i"});
  if (c.code != 0) {
    why = oneLine(c.err.empty() ? "exit code " + std::to_string(c.code) : c.err);
    return std::nullopt;
  }
  std::set<std::string> ids;
  std::istringstream lines(c.out);
  for (std::string id; lines >> id;) ids.insert(id);
  return ids;
}

struct InFlight {
  std::string job;
  int index = 0;
  std::size_t task = 0;  // into the sweep's tasks
  std::string id() const { return job + "_" + std::to_string(index); }
  std::string log(const std::string& state) const {
    return (fs::path(state) / (id() + ".out")).string();
  }
};

std::string submissionsFile(const SweepLaunch& l) {
  return (fs::path(l.state_dir) / "submissions.json").string();
}

nlohmann::json readSubmissions(const SweepLaunch& l) {
  const std::string file = submissionsFile(l);
  if (!fs::exists(file)) return nlohmann::json::array();
  try {
    std::ifstream in(file);
    return nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw DataError(file + ": not the submissions list this command writes (" + e.what() + ")");
  }
}

// Submits `chosen` (indices into `tasks`) as one array; returns its job id.
std::string submit(const std::vector<SweepTask>& tasks, const std::vector<std::size_t>& chosen,
                   const SweepLaunch& l) {
  nlohmann::json submissions = readSubmissions(l);
  const std::size_t n = submissions.size() + 1;
  const fs::path state = l.state_dir;
  const std::string list = (state / ("tasks-" + std::to_string(n) + ".json")).string();
  const std::string script = (state / ("array-" + std::to_string(n) + ".sh")).string();
  std::vector<SweepTask> listed;
  for (std::size_t i : chosen) listed.push_back(tasks[i]);
  writeTasks(list, listed);
  std::ostringstream s;
  s << "#!/bin/sh\n"
    << "# morphaeus reproduce: " << listed.size() << " run(s), one array task each\n"
    << "#SBATCH --job-name=morphaeus-" << fs::absolute(state).parent_path().filename().string()
    << "\n"
    << "#SBATCH --array=0-" << listed.size() - 1 << "\n"
    << "#SBATCH --output=" << (state / "%A_%a.out").string() << "\n"
    << "#SBATCH --chdir=" << fs::current_path().string() << "\n"
    << "#SBATCH --requeue\n"
    << "#SBATCH --open-mode=append\n"  // a requeued task's output follows its first's
    << "exec " << quoted(thisExecutable()) << " reproduce --slurm-task " << quoted(list) << "\n";
  writeFileAtomic(script, s.str());
  std::vector<std::string> argv = {"sbatch", "--parsable"};
  for (auto& w : shellWords(l.sbatch)) argv.push_back(w);
  argv.push_back(script);
  const Captured c = capture(argv);
  if (c.code != 0) {
    throw std::runtime_error("sbatch refused the job array (exit code " + std::to_string(c.code) +
                             "): " + oneLine(c.err.empty() ? c.out : c.err));
  }
  std::string job = oneLine(c.out);
  job = job.substr(0, job.find(';'));  // "<id>;<cluster>" on a federation
  if (job.empty() || job.find_first_not_of("0123456789") != std::string::npos)
    throw std::runtime_error("sbatch printed no job id: '" + oneLine(c.out) + "'");
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& t : listed) runs.push_back(t.run_dir);
  submissions.push_back({{"job", job}, {"tasks", list}, {"runs", runs}});
  writeFileAtomic(submissionsFile(l), submissions.dump(1) + "\n");
  return job;
}

void requireSlurmClients() {
  for (const char* program : {"sbatch", "squeue"}) {
    if (!onPath(program)) {
      throw std::runtime_error(std::string("--launcher slurm: ") + program +
                               " is not on PATH (SLURM's client commands are needed where "
                               "`reproduce` runs)");
    }
  }
}

// The array tasks of earlier submissions still in the queue for an unfinished run: waited for,
// not submitted again.
std::vector<InFlight> stillQueued(const std::vector<SweepTask>& tasks, const SweepLaunch& l,
                                  const std::set<std::string>& in_queue) {
  std::map<std::string, std::size_t> by_run;
  for (std::size_t i = 0; i < tasks.size(); ++i) by_run[tasks[i].run_dir] = i;
  std::vector<InFlight> flying;
  for (const auto& s : readSubmissions(l)) {
    const auto& runs = s.at("runs");
    for (std::size_t k = 0; k < runs.size(); ++k) {
      InFlight f{s.at("job").get<std::string>(), static_cast<int>(k), 0};
      const auto at = by_run.find(runs[k].get<std::string>());
      if (at == by_run.end() || !in_queue.count(f.id()) || tasks[at->second].finished()) continue;
      f.task = at->second;
      flying.push_back(f);
      spdlog::info("{}: still queued or running as SLURM task {}", tasks[f.task].label, f.id());
    }
  }
  return flying;
}

// Submits the unfinished runs that are not in flight as one array; adds its tasks to `flying`.
void submitTheRest(const std::vector<SweepTask>& tasks, const std::vector<std::size_t>& unfinished,
                   const SweepLaunch& l, std::vector<InFlight>& flying) {
  std::set<std::size_t> flying_tasks;
  for (const InFlight& f : flying) flying_tasks.insert(f.task);
  std::vector<std::size_t> to_submit;
  for (std::size_t i : unfinished)
    if (!flying_tasks.count(i)) to_submit.push_back(i);
  if (to_submit.empty()) return;
  const std::string job = submit(tasks, to_submit, l);
  for (std::size_t k = 0; k < to_submit.size(); ++k) {
    const SweepTask& t = tasks[to_submit[k]];
    if (const auto from = t.resumeFrom()) spdlog::info("{}: resuming from {}", t.label, *from);
    flying.push_back({job, static_cast<int>(k), to_submit[k]});
  }
  spdlog::info("reproduce: submitted SLURM job {}: {} run(s) as array tasks 0-{}; logs in {}", job,
               to_submit.size(), to_submit.size() - 1, l.state_dir);
}

// Polls squeue until every task in flight has left the queue, counting each finished or failed
// run into `out` (a failed one named with its logs); returns early, leaving them pending, on a
// stop signal.
void waitForTasks(const std::vector<SweepTask>& tasks, std::vector<InFlight> flying,
                  const SweepLaunch& l, int poll, SweepOutcome& out) {
  const int total = static_cast<int>(flying.size());
  int failures_in_a_row = 0, reported = -1;
  std::string why;
  while (!flying.empty()) {
    std::this_thread::sleep_for(std::chrono::seconds(poll));
    if (stopRequested()) {
      spdlog::warn(
          "reproduce: stopped waiting; the array goes on (scancel to stop it); run the "
          "same command again to collect");
      out.pending = static_cast<int>(flying.size());
      return;
    }
    const auto in_queue = queued(why);
    if (!in_queue) {
      if (++failures_in_a_row >= 10) throw std::runtime_error("squeue failed 10 times: " + why);
      spdlog::warn("squeue failed ({}); trying again", why);
      continue;
    }
    failures_in_a_row = 0;
    for (std::size_t k = 0; k < flying.size();) {
      const InFlight& f = flying[k];
      if (in_queue->count(f.id())) {
        ++k;
        continue;
      }
      const SweepTask& t = tasks[f.task];
      if (t.finished()) {
        ++out.ran;
      } else {
        ++out.failed;
        spdlog::error("{}: SLURM task {} ended without finishing the run; see {} and {}", t.label,
                      f.id(), f.log(l.state_dir), RunLayout(t.run_dir).log().string());
      }
      flying.erase(flying.begin() + static_cast<std::ptrdiff_t>(k));
    }
    if (out.ran + out.failed != reported) {
      reported = out.ran + out.failed;
      spdlog::info("reproduce: {} of {} runs finished{}", out.ran, total,
                   out.failed ? fmt::format(", {} failed", out.failed) : std::string());
    }
  }
}

}  // namespace

SweepOutcome runOnSlurm(const std::vector<SweepTask>& tasks, const SweepLaunch& l) {
  requireSlurmClients();
  const int poll = pollSeconds();  // a malformed setting stops before anything is submitted
  fs::create_directories(l.state_dir);
  SweepOutcome out;
  const std::vector<std::size_t> unfinished = unfinishedTasks(tasks, out);
  if (unfinished.empty()) return out;
  std::string why;
  const auto in_queue = queued(why);
  if (!in_queue) throw std::runtime_error("--launcher slurm: squeue failed: " + why);
  std::vector<InFlight> flying = stillQueued(tasks, l, *in_queue);
  submitTheRest(tasks, unfinished, l, flying);
  if (!l.wait) {
    out.pending = static_cast<int>(flying.size());
    spdlog::info(
        "reproduce: {} run(s) queued or running; run the same command again to collect them",
        out.pending);
    return out;
  }
  waitForTasks(tasks, std::move(flying), l, poll, out);
  return out;
}

int runSlurmArrayTask(const std::string& tasks_file) {
  const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
  if (id == nullptr || *id == 0) {
    throw std::runtime_error(
        "reproduce --slurm-task: SLURM_ARRAY_TASK_ID is not set (this runs "
        "as a task of the job array that `reproduce --launcher slurm` "
        "submits)");
  }
  const std::vector<SweepTask> tasks = readTasks(tasks_file);
  char* end = nullptr;
  const long index = std::strtol(id, &end, 10);
  if (*end != 0 || index < 0 || index >= static_cast<long>(tasks.size())) {
    throw EnvironmentError(
        "SLURM_ARRAY_TASK_ID", id,
        "not a task of " + tasks_file + " (0-" + std::to_string(tasks.size() - 1) + ")");
  }
  const SweepTask& t = tasks[static_cast<std::size_t>(index)];
  if (t.finished()) {
    spdlog::info("{}: finished before ({})", t.label, t.run_dir);
    return 0;
  }
  installStopHandlers();
  spdlog::info("{}: SLURM task {} in {}", t.label, index, t.run_dir);
  const int rc = runTask(t);
  if (rc != 0) spdlog::error("{}: the run failed (exit code {})", t.label, rc);
  return rc;
}

}  // namespace morphaeus
