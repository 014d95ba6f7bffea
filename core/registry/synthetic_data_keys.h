// The keys of an experiment's `synthetic_data` block, each declared once beside its field of
// SyntheticOptions (data/synthetic/synthetic_cxr.h, where the defaults are): the schema the
// experiment schema holds and the reader of ensureSyntheticData.
#pragma once

#include "core/config/key_table.h"
#include "data/synthetic/synthetic_cxr.h"

namespace morphaeus {

const KeyTable<SyntheticOptions>& syntheticDataKeys();

}  // namespace morphaeus
