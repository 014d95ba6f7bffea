#include "core/config/typed_params.h"

#include <stdexcept>
#include <utility>
#include <vector>

#include "core/config/key_path.h"
#include "core/config/validator.h"

namespace morphaeus {
const Field& TypedParams::field(const std::string& key) const {
  const Schema* schema = &schema_;
  const Field* f = nullptr;
  for (const std::string& part : splitKeyPath(key)) {
    f = schema ? schema->find(part) : nullptr;
    if (f == nullptr) break;
    schema = f->schema ? &*f->schema : nullptr;
  }
  if (f == nullptr) throw std::logic_error("TypedParams: the schema has no key " + key);
  return *f;
}

const ConfigNode* TypedParams::value(const std::string& key, const Field& f) const {
  const ConfigNode* n = &params_;
  for (const std::string& part : splitKeyPath(key)) {
    n = n->isMap() ? n->find(part) : nullptr;
    if (n == nullptr) return nullptr;
  }
  if (n->isNull()) return nullptr;
  // Also for params that did not pass the validator (tests, benchmarks): a list item by item.
  // (A list that is no sequence: asIntList() says so.)
  if (f.type == ValueType::List) {
    if (n->isSequence() && f.element) {
      for (const ConfigNode& item : n->items()) checkValue(item, *f.element);
    }
  } else {
    checkValue(*n, f);
  }
  return n;
}

template <class T>
T TypedParams::fallback(const std::string& key, const Field& f) const {
  if (const T* v = std::get_if<T>(&f.fallback)) return *v;
  if (f.required) throw params_.error("missing required key \"" + key + "\"");
  if constexpr (std::is_same_v<T, double>) {  // an integer default of a Number field
    if (const auto* i = std::get_if<std::int64_t>(&f.fallback)) return static_cast<double>(*i);
  }
  throw std::logic_error("TypedParams: " + key + " is absent and its field has no default");
}

bool TypedParams::getBool(const std::string& key) const {
  const Field& f = field(key);
  const ConfigNode* n = value(key, f);
  return n ? n->asBool() : fallback<bool>(key, f);
}

std::int64_t TypedParams::getInt(const std::string& key) const {
  const Field& f = field(key);
  const ConfigNode* n = value(key, f);
  return n ? n->asInt() : fallback<std::int64_t>(key, f);
}

double TypedParams::getDouble(const std::string& key) const {
  const Field& f = field(key);
  const ConfigNode* n = value(key, f);
  return n ? n->asDouble() : fallback<double>(key, f);
}

std::string TypedParams::getString(const std::string& key) const {
  const Field& f = field(key);
  const ConfigNode* n = value(key, f);
  return n ? n->asString() : fallback<std::string>(key, f);
}

std::vector<std::int64_t> TypedParams::getIntList(const std::string& key,
                                                  std::vector<std::int64_t> fallback) const {
  const Field& f = field(key);
  const ConfigNode* n = value(key, f);
  if (n == nullptr && f.required) throw params_.error("missing required key \"" + key + "\"");
  return n ? n->asIntList() : fallback;
}

}  // namespace morphaeus
