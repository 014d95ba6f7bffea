#include "core/config/typed_params.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "core/config/suggest.h"

namespace morphaeus {

const Field& TypedParams::field(const std::string& key) const {
  const std::string::size_type dot = key.find('.');
  const Field* f = schema_.find(key.substr(0, dot));
  if (f != nullptr && dot != std::string::npos) {
    f = f->schema ? f->schema->find(key.substr(dot + 1)) : nullptr;
  }
  if (f == nullptr) throw std::logic_error("TypedParams: the schema has no key " + key);
  return *f;
}

template <class T>
T TypedParams::fallback(const std::string& key) const {
  const Field& f = field(key);
  if (const T* v = std::get_if<T>(&f.fallback)) return *v;
  if constexpr (std::is_same_v<T, double>) {  // an integer default of a Number field
    if (const auto* i = std::get_if<std::int64_t>(&f.fallback)) return static_cast<double>(*i);
  }
  throw std::logic_error("TypedParams: " + key + " is absent and its field has no default");
}

namespace {

// The node of a "map.key" or "key" path, or nullptr when absent (or null).
const ConfigNode* lookup(const ConfigNode& params, const std::string& key) {
  const std::string::size_type dot = key.find('.');
  const ConfigNode* n = params.find(key.substr(0, dot));
  if (n != nullptr && dot != std::string::npos) {
    n = n->isMap() ? n->find(key.substr(dot + 1)) : nullptr;
  }
  return n == nullptr || n->isNull() ? nullptr : n;
}

}  // namespace

bool TypedParams::getBool(const std::string& key) const {
  field(key);
  const ConfigNode* n = lookup(params_, key);
  return n ? n->asBool() : fallback<bool>(key);
}

// The field's range, also for params that did not pass the validator (tests, benchmarks).
template <class T>
T inRange(const Field& f, const ConfigNode& n, T v) {
  const double d = static_cast<double>(v);
  auto text = [](double x) {
    std::ostringstream out;
    out << x;
    return out.str();
  };
  if (f.min && (d < *f.min || (f.min_exclusive && d == *f.min))) {
    throw n.error("expected a value " + std::string(f.min_exclusive ? "above " : "at least ") +
                  text(*f.min) + ", got " + n.asString());
  }
  if (f.max && d > *f.max) {
    throw n.error("expected a value at most " + text(*f.max) + ", got " + n.asString());
  }
  return v;
}

std::int64_t TypedParams::getInt(const std::string& key) const {
  const Field& f = field(key);
  const ConfigNode* n = lookup(params_, key);
  return n ? inRange(f, *n, n->asInt()) : fallback<std::int64_t>(key);
}

double TypedParams::getDouble(const std::string& key) const {
  const Field& f = field(key);
  const ConfigNode* n = lookup(params_, key);
  return n ? inRange(f, *n, n->asDouble()) : fallback<double>(key);
}

std::string TypedParams::getString(const std::string& key) const {
  const Field& f = field(key);
  const ConfigNode* n = lookup(params_, key);
  if (n == nullptr) return fallback<std::string>(key);
  std::string v = n->asString();
  if (f.type == ValueType::Enum &&
      std::find(f.choices.begin(), f.choices.end(), v) == f.choices.end()) {
    throw n->error("expected one of " + joinNames(f.choices) + ", got \"" + v + "\"");
  }
  return v;
}

}  // namespace morphaeus
