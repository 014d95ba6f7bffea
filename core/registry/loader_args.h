// The keys of a data loader's `params.args` (DefaultDataLoader; a downstream dataset entry may
// override any of them, as upstream merges {**args, **dataset}), each declared once beside its
// field here: the schema the validator checks and the reader the data factory and the
// cross-checks use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/config_node.h"
#include "core/config/key_table.h"
#include "core/config/schema.h"

namespace morphaeus {

// `data_dir`/`label_dir`: {train, val, test} lists of CSV files or image folders.
struct SplitLists {
  std::vector<std::string> train, val, test;
  // The list of "train", "val" or "test".
  const std::vector<std::string>& of(const std::string& split) const;
};

struct LoaderArgs {
  SplitLists data_dir;
  SplitLists label_dir;   // mask files matching data_dir row by row
  std::string file_type;  // glob for image folders, e.g. *.png
  /// (rows, cols) the images are resized to
  std::vector<std::int64_t> target_size{64, 64};
  /// images per batch (the global batch in data-parallel runs)
  std::int64_t batch_size = 8;
  std::optional<std::int64_t> num_workers;  // DataContext::default_workers when not given
  /// on_bad_image: skip (log it and go on) instead of stopping at the first unreadable image
  bool skip_bad = false;
  /// keep preprocessed images in memory after the first epoch
  bool cache = false;
};

const KeyTable<LoaderArgs>& loaderArgsKeys();

// The args with a downstream dataset entry's keys over them (`overlay` may be null). The
// dataset_module is not a value: find it in the merged map (loaderArgsNode).
LoaderArgs loaderArgs(const ConfigNode& args, const ConfigNode* overlay);
ConfigNode loaderArgsNode(const ConfigNode& args, const ConfigNode* overlay);

// DefaultDataLoader's `datasets` beside params in a downstream task: each entry its args with a
// required data_dir.
Schema csvDatasetsSchema();

}  // namespace morphaeus
