// A small, strict unpickler for the subset of Python pickles that torch.save writes (protocols
// 2-4): dicts, OrderedDicts, lists, tuples, str, int, float, bool, None and tensors rebuilt from
// persistent storage references. Anything else -- arbitrary globals in particular -- is an error.
// Every length and index read from the data is bounds-checked.
#pragma once

#include <ATen/core/ivalue.h>

#include <cstdint>
#include <functional>
#include <string>

namespace morphaeus {

// A persistent storage reference: ('storage', torch.<Type>Storage, key, location, numel, ...).
struct StorageRef {
  c10::ScalarType dtype;
  std::string key;
  int64_t numel = 0;
  c10::IValue view_metadata;  // legacy format: None or (view_key, offset, view_numel)
};

struct PickleOptions {
  std::string source;  // file name for messages
  // Returns a 1-D tensor of ref.dtype with ref.numel elements (it may be filled later).
  std::function<at::Tensor(const StorageRef&)> load_storage;
  bool allow_big_ints = false;  // integers wider than 64 bits become "0x..." strings (legacy magic)
};

// Unpickles one object from data[*offset ...]; advances *offset past the STOP opcode.
// Throws CheckpointError("<source>: pickle offset N: ...").
c10::IValue unpickle(const std::uint8_t* data, std::size_t size, std::size_t* offset,
                     const PickleOptions& options);

}  // namespace morphaeus
