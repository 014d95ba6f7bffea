// The schema of a whole iml-dl style experiment file (docs/METHOD.md section 1 plus our runtime
// keys).
#pragma once

#include <cstdint>

#include "core/config/config_node.h"
#include "core/config/schema.h"

namespace morphaeus {

Schema experimentSchema();

// The experiment's `seed` (torch, data order, augmentation, sampling at evaluation): the key's
// value, else upstream's seed. Every reader of the seed goes through here.
std::int64_t experimentSeed(const ConfigNode& root);

// `data_dir`/`label_dir`: {train, val, test} lists of CSV files or folders.
Schema dataDirSchema();
// The keys of a DefaultDataLoader's `params.args`; a downstream dataset entry may override any
// of them (upstream merges {**args, **dataset}).
Schema dataLoaderArgsSchema();
// DefaultDataLoader's `datasets` beside params in a downstream task: each entry its args with a
// required data_dir.
Schema csvDatasetsSchema();

}  // namespace morphaeus
