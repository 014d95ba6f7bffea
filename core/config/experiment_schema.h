// The experiment file's own keys (docs/CONFIG_KEYS.md, "The experiment file"): one table of them,
// in the file's order, beside the options they set -- the typed ones (name, the experiment block,
// device, seed, threads, data_root, output_dir, deterministic) each with its field and default,
// the others (the YAML anchor holders, the components, synthetic_data) declared in their place.
// From it come the experiment schema and the options every reader takes.
#pragma once

#include <cstdint>
#include <string>

#include "core/base/facts/upstream_seed.h"
#include "core/config/config_node.h"
#include "core/config/key_table.h"
#include "core/config/schema.h"

namespace morphaeus {

// experiment: the block naming what the run does.
struct ExperimentBlock {
  std::string name;            // logged
  std::string task = "train";  // train | test
  std::string weights;         // the checkpoint to resume from or to evaluate; "" none
};

struct ExperimentOptions {
  std::string name;  // the method's name (required)
  ExperimentBlock experiment;
  std::string device = "gpu";  // gpu | cuda | cpu | auto, as upstream
  std::int64_t seed = static_cast<std::int64_t>(kUpstreamSeed);
  std::int64_t threads = 0;  // 0: the CPUs this process may use
  std::string data_root;     // "" none
  std::string output_dir;    // "" runs/<name>-<timestamp>
  bool deterministic = false;
};

const KeyTable<ExperimentOptions>& experimentKeys();

// The options a (validated) experiment file sets. Every reader of these keys goes through here.
ExperimentOptions experimentOptions(const ConfigNode& root);

// The schema of the whole file: experimentKeys()' with `synthetic_data` holding the keys of the
// synthetic data set's block (declared where its options are: core/registry/synthetic_data_keys.h).
Schema experimentSchema(const Schema& synthetic_data);

// The experiment's `seed` (torch, data order, augmentation, sampling at evaluation).
std::int64_t experimentSeed(const ConfigNode& root);

}  // namespace morphaeus
