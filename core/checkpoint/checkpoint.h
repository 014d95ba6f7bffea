// Checkpoint files in PyTorch's format: torch.save({'model_weights': state_dict,
// 'optimizer_weights': ..., 'epoch': int, ...}). Reading accepts the authors' files (and a bare
// state_dict); writing produces files Python's torch.load reads as plain dicts.
#pragma once

#include <ATen/core/ivalue.h>

#include <string>

#include "core/checkpoint/state_dict.h"

namespace morphaeus {

struct Checkpoint {
  StateDict model_weights;
  c10::IValue optimizer_weights;  // None when absent
  int64_t epoch = -1;             // the last finished epoch (-1: none, also when absent)
  // Further keys (e.g. an evaluation threshold), kept in order.
  std::vector<std::pair<std::string, c10::IValue>> extra;
  std::string path;  // the file it was read from (for messages); not written

  // The extra entry `key`, or nullptr.
  const c10::IValue* find(const std::string& key) const {
    for (const auto& [k, v] : extra)
      if (k == key) return &v;
    return nullptr;
  }
};

Checkpoint readCheckpoint(const std::string& path);
// Written atomically (temp file + rename): a crash leaves the old file or the new one.
void writeCheckpoint(const std::string& path, const Checkpoint& checkpoint);

// A state_dict as a plain ordered {name: tensor} dict, or an error naming `path` and `what`.
StateDict toStateDict(const c10::IValue& value, const std::string& path, const std::string& what);

}  // namespace morphaeus
