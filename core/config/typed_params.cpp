#include "core/config/typed_params.h"

#include <stdexcept>
#include <utility>

#include "core/config/validator.h"

namespace morphaeus {
namespace {

// "map.key" -> {"map", "key"}; "key" -> {"key", ""}.
std::pair<std::string, std::string> splitKey(const std::string& key) {
  const std::string::size_type dot = key.find('.');
  if (dot == std::string::npos) return {key, ""};
  return {key.substr(0, dot), key.substr(dot + 1)};
}

}  // namespace

const Field& TypedParams::field(const std::string& key) const {
  const auto [outer, inner] = splitKey(key);
  const Field* f = schema_.find(outer);
  if (f != nullptr && !inner.empty()) f = f->schema ? f->schema->find(inner) : nullptr;
  if (f == nullptr) throw std::logic_error("TypedParams: the schema has no key " + key);
  return *f;
}

const ConfigNode* TypedParams::value(const std::string& key, const Field& f) const {
  const auto [outer, inner] = splitKey(key);
  const ConfigNode* n = params_.find(outer);
  if (n != nullptr && !inner.empty()) n = n->isMap() ? n->find(inner) : nullptr;
  if (n == nullptr || n->isNull()) return nullptr;
  checkValue(*n, f);  // also for params that did not pass the validator (tests, benchmarks)
  return n;
}

template <class T>
T TypedParams::fallback(const std::string& key, const Field& f) const {
  if (const T* v = std::get_if<T>(&f.fallback)) return *v;
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

}  // namespace morphaeus
