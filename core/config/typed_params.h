// Typed values of a validated params map, each with its schema field's default: the default of a
// key is written once, in its Field (`byDefault`), and read here. Asking for a key the schema
// lacks, or for an absent optional key whose field has no default, is a programming error
// (std::logic_error naming the key); an absent required key is a ConfigError at the params map
// (as ConfigNode::at says it); a present value is checked as the validator checks it
// (checkValue: type, range, choice), a ConfigError at its place.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config/config_node.h"
#include "core/config/schema.h"

namespace morphaeus {

class TypedParams {
 public:
  TypedParams(const Schema& schema, const ConfigNode& params) : schema_(schema), params_(params) {}

  bool getBool(const std::string& key) const;
  std::int64_t getInt(const std::string& key) const;
  double getDouble(const std::string& key) const;
  std::string getString(const std::string& key) const;  // also enums
  // A list of integers (no schema default: lists have none); `fallback` when absent.
  std::vector<std::int64_t> getIntList(const std::string& key,
                                       std::vector<std::int64_t> fallback = {}) const;
  bool has(const std::string& key) const { return params_.has(key); }
  const ConfigNode& node() const { return params_; }

 private:
  const Field& field(const std::string& key) const;
  const ConfigNode* value(const std::string& key, const Field& f) const;  // checked; null: absent
  template <class T>
  T fallback(const std::string& key, const Field& f) const;

  const Schema& schema_;
  const ConfigNode& params_;
};

}  // namespace morphaeus
