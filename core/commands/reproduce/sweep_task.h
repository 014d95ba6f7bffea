// One run of a sweep (`reproduce`, `reproduce --figure`): its command line, built once from what
// the run is and the sweep's options; this executable started on it as a child process (a stop
// signal forwarded); and the marker that says it finished. A task that trains continues from
// its run directory's latest_model.pt when one is there at the moment it starts -- an
// interrupted local sweep run again, or a SLURM array task that was preempted and requeued.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace morphaeus {

struct ReproduceOptions;

// What one run of a sweep is.
struct SweepRunSpec {
  std::string label;                   // for the log and the tables: "AE-S", "AE3"
  std::string config;                  // its config file
  std::optional<int64_t> seed;         // --seed, where the sweep sets one
  std::string run_dir;                 // absolute
  std::optional<std::string> weights;  // evaluate these instead of training
  std::vector<std::string> sets;       // its own --set overrides (before the sweep's)
};

struct SweepTask {
  std::string label;              // "AE-S seed 2109", "AE3"
  std::string run_dir;            // absolute
  std::vector<std::string> args;  // the child's arguments after the program's name
  bool trains = true;             // resumed from <run_dir>/latest_model.pt when one is there
  nlohmann::json marker;          // written to <run_dir>/reproduce.json once it finished

  bool finished() const;  // <run_dir>/reproduce.json is there: the run is skipped
  // The checkpoint it continues from at this moment: a training run's latest_model.pt when one
  // is there; nullopt: it starts afresh (or evaluates).
  std::optional<std::string> resumeFrom() const;
  // The command line at this moment: "morphaeus", args, and --resume resumeFrom() where set.
  std::vector<std::string> commandLine() const;
  // Writes its marker atomically, with the run's `seconds` where the marker has that field.
  void markFinished(double seconds) const;
};

// The task of `spec` under the sweep's options (device, threads, data root, epochs, --set), its
// marker `marker`.
SweepTask sweepTask(const SweepRunSpec& spec, const ReproduceOptions& options,
                    nlohmann::json marker);

// Starts this executable with `args` (args[0] is the program name) and the extra environment
// `env`; returns its pid.
pid_t startChild(const std::vector<std::string>& args,
                 const std::vector<std::pair<std::string, std::string>>& env = {});
// Its exit code (128 + the signal when it was killed) once it ended; nullopt while it runs.
std::optional<int> childExitCode(pid_t pid);
// startChild, then waits, forwarding a stop signal (stop_signal.h) to the child.
int runChild(const std::vector<std::string>& args,
             const std::vector<std::pair<std::string, std::string>>& env = {});

// Runs the task in this process's place (a child of it); marks it finished when it succeeded.
// Returns the child's exit code.
int runTask(const SweepTask& task,
            const std::vector<std::pair<std::string, std::string>>& env = {});

// Tasks to and from a JSON file (the SLURM array's list; written atomically).
void writeTasks(const std::string& path, const std::vector<SweepTask>& tasks);
std::vector<SweepTask> readTasks(const std::string& path);  // DataError naming the file

}  // namespace morphaeus
