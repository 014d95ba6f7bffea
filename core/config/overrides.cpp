#include "core/config/overrides.h"

#include <vector>

#include "core/config/key_path.h"
#include "core/config/yaml_loader.h"

namespace morphaeus {
namespace {

bool isIndex(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// Checks that `value` may replace `old`; returns the node to store.
ConfigNode typedLike(const ConfigNode& old, ConfigNode value, const std::string& raw,
                     const Location& where) {
  auto mismatch = [&](const std::string& expected) {
    return ConfigError(where, old.path(),
                       "expected " + expected + " like the value it replaces (" + old.where().str() +
                           "), got " + value.describeKind());
  };
  switch (old.kind()) {
    case ConfigNode::Kind::Null: return value;
    case ConfigNode::Kind::Sequence:
      if (!value.isSequence()) throw mismatch("a list");
      value.setTag(old.tag());
      return value;
    case ConfigNode::Kind::Map:
      if (!value.isMap()) throw mismatch("a map");
      return value;
    case ConfigNode::Kind::Scalar: break;
  }
  switch (old.scalarType()) {
    case ScalarType::Null: return value;
    case ScalarType::String:
      // Text replaces text verbatim: "--set name=123" keeps the name a string.
      return ConfigNode::scalar(raw, true, where, old.path());
    case ScalarType::Bool:
      if (value.scalarType() != ScalarType::Bool) throw mismatch("a boolean");
      return value;
    case ScalarType::Int:
      if (value.scalarType() != ScalarType::Int) throw mismatch("an integer");
      return value;
    case ScalarType::Float:
      if (value.scalarType() == ScalarType::Int) {
        // Keep the value a float ("1" -> "1.0") so that later overrides see a number too.
        return ConfigNode::scalar(value.text() + ".0", false, where, old.path());
      }
      if (value.scalarType() != ScalarType::Float) throw mismatch("a number");
      return value;
  }
  return value;
}

}  // namespace

void applyOverride(ConfigNode& root, const std::string& assignment) {
  const Location where{"--set " + assignment, 0, 0};
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError(where, "", "expected key.path=value");
  }
  const std::string key = assignment.substr(0, eq);
  const std::string raw = assignment.substr(eq + 1);
  const std::vector<std::string> parts = splitKeyPath(key);
  for (const auto& p : parts) {
    if (p.empty()) throw ConfigError(where, key, "empty component in the key path");
  }

  ConfigNode* node = &root;
  std::string path;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (node->isSequence() && isIndex(part)) {
      const std::size_t index = std::stoul(part);
      if (index >= node->items().size()) {
        throw ConfigError(where, path, "index " + part + " is past the end of the list (" +
                                           std::to_string(node->items().size()) + " items)");
      }
      path = indexPath(path, index);
      node = &node->items()[index];
      continue;
    }
    path = childPath(path, part);
    if (!node->isMap() && !node->isNull()) {
      throw ConfigError(where, path, "cannot set a key inside " + node->describeKind());
    }
    ConfigNode* child = node->find(part);
    if (child == nullptr) child = &node->set(part, ConfigNode::map(where, path));
    node = child;
  }

  const std::string& last = parts.back();
  if (node->isSequence() && isIndex(last)) {
    const std::size_t index = std::stoul(last);
    if (index >= node->items().size()) {
      throw ConfigError(where, indexPath(path, index), "index past the end of the list");
    }
    ConfigNode& old = node->items()[index];
    old = typedLike(old, parseYamlValue(raw, where, old.path()), raw, where);
    return;
  }
  const std::string full = childPath(path, last);
  if (!node->isMap() && !node->isNull()) {
    throw ConfigError(where, full, "cannot set a key inside " + node->describeKind());
  }
  ConfigNode value = parseYamlValue(raw, where, full);
  if (const ConfigNode* old = node->find(last)) value = typedLike(*old, std::move(value), raw, where);
  node->set(last, std::move(value));
}

}  // namespace morphaeus
