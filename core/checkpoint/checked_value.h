// A value read from a checkpoint (an unpickled IValue) with typed accessors that never assert:
// a value of the wrong type or a missing key becomes a CheckpointError naming the file and the
// key path, e.g. "best_model.pt: optimizer_weights.param_groups[0].lr: expected a number, got
// str". Python writes numbers as int or float as it pleases (Adam's default weight_decay is the
// int 0), and tuples where we might expect lists: the accessors accept both.
#pragma once

#include <ATen/core/ivalue.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace morphaeus {

class CheckedValue {
 public:
  CheckedValue(c10::IValue value, std::string file, std::string path);

  bool isNone() const { return value_.isNone(); }

  double number() const;         // int or float (not bool)
  std::int64_t integer() const;  // int, or a float / one-element tensor holding a whole number
  bool boolean() const;
  std::optional<bool> optionalBoolean() const;  // bool or None
  std::string string() const;
  at::Tensor tensor() const;
  std::vector<CheckedValue> sequence() const;  // list or tuple
  // Dicts: entries in order (any key type: the key's text names it in paths).
  std::vector<std::pair<c10::IValue, CheckedValue>> entries() const;
  std::optional<CheckedValue> find(const std::string& key) const;  // a str key of a dict
  CheckedValue at(const std::string& key) const;                   // the same, required

  [[noreturn]] void fail(const std::string& message) const;

 private:
  std::string typeName() const;
  c10::IValue value_;
  std::string file_, path_;
};

}  // namespace morphaeus
