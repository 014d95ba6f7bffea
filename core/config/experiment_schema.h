// The schema of a whole iml-dl style experiment file (docs/METHOD.md section 1 plus our runtime
// keys).
#pragma once

#include <cstdint>

#include "core/config/config_node.h"
#include "core/config/schema.h"

namespace morphaeus {

// `synthetic_data` holds the keys of the synthetic data set's block (declared where its options
// are: core/registry/synthetic_data_keys.h).
Schema experimentSchema(const Schema& synthetic_data);

// The experiment's `seed` (torch, data order, augmentation, sampling at evaluation): the key's
// value, else upstream's seed. Every reader of the seed goes through here.
std::int64_t experimentSeed(const ConfigNode& root);

}  // namespace morphaeus
