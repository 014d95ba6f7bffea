// What the command line asked for (the config file's values come from the YAML; these override).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/distributed/distributed_options.h"

namespace morphaeus {

struct RunOptions {
  std::string config;                    // empty: the embedded demo configuration
  std::optional<std::string> task;       // train | test
  std::optional<std::string> weights;    // checkpoint to resume from or evaluate
  std::optional<std::string> resume;     // train: continue from this checkpoint
  std::optional<std::string> device;     // auto | cpu | cuda (| gpu)
  std::optional<std::string> output;     // run directory
  std::optional<std::string> data_root;  // base folder for image paths in CSVs
  std::optional<int> threads;            // 0 = the CPUs this process may use
  std::optional<std::int64_t> seed;
  std::optional<std::string> precision;  // fp32 | bf16 | auto: training and evaluation
  std::vector<std::string> sets;  // --set key.path=value, in order
  bool dry_run = false;
  bool deterministic = false;
  std::string log_level = "info";
  DistributedFlags distributed;  // --rank, --world-size, ... (else RANK, WORLD_SIZE, ...)
};

}  // namespace morphaeus
