// An experiment file loaded, overridden from the command line, validated and path-resolved.
#pragma once

#include <string>
#include <vector>

#include "core/config/config_node.h"
#include "core/config/experiment_schema.h"
#include "core/experiment/run_options.h"

namespace morphaeus {

struct Experiment {
  ConfigNode config;                 // resolved tree (what --dry-run prints and runs save)
  std::string source;                // config file path, or "<embedded demo>"
  std::string config_dir;            // base for relative paths in the file
  std::vector<std::string> ignored;  // keys accepted but without effect, with reasons
  // experiment.weights came from --weights or --resume: a missing file is an error there, while
  // a config (or --set) naming one only warns (upstream's published configs name absent files).
  bool weights_from_flag = false;

  // The file's own keys, read through their one table (core/config/experiment_schema.h).
  ExperimentOptions options() const;
  std::string name() const;
  std::string task() const;  // train | test
  std::int64_t seed() const;
  int threads() const;
  std::string device() const;
  bool deterministic() const;
};

// The text of configs/demo.yaml, compiled into the executable.
const std::string& embeddedDemoConfig();

// Loads options.config (or the embedded demo), applies --set and the dedicated flags, validates
// against experimentSchema() (with the synthetic_data keys) and the global registry. Throws
// ConfigError/ConfigErrors.
Experiment loadExperiment(const RunOptions& options);

}  // namespace morphaeus
