// The schema of a whole iml-dl style experiment file (docs/METHOD.md section 1 plus our runtime
// keys).
#pragma once

#include "core/config/schema.h"

namespace morphaeus {

Schema experimentSchema();

// `data_dir`/`label_dir`: {train, val, test} lists of CSV files or folders.
Schema dataDirSchema();
// The keys of a DefaultDataLoader's `params.args`; a downstream dataset entry may override any
// of them (upstream merges {**args, **dataset}).
Schema dataLoaderArgsSchema();
// DefaultDataLoader's `datasets` beside params in a downstream task: each entry its args with a
// required data_dir.
Schema csvDatasetsSchema();

}  // namespace morphaeus
