// The configuration tree: YAML as loaded (anchors expanded), each node with its source location
// and key path, plus typed accessors that raise ConfigError naming both.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/config/config_error.h"
#include "core/config/scalar.h"

namespace morphaeus {

class ConfigNode {
 public:
  enum class Kind { Null, Scalar, Sequence, Map };

  ConfigNode() = default;
  static ConfigNode scalar(std::string text, bool quoted, Location where, std::string path);
  static ConfigNode sequence(Location where, std::string path);
  static ConfigNode map(Location where, std::string path);
  static ConfigNode null(Location where, std::string path);

  Kind kind() const { return kind_; }
  bool isNull() const;  // explicit null, empty value, or a null scalar ("~", "null")
  bool isMap() const { return kind_ == Kind::Map; }
  bool isSequence() const { return kind_ == Kind::Sequence; }
  bool isScalar() const { return kind_ == Kind::Scalar; }
  ScalarType scalarType() const;  // Null for null nodes; String for maps and sequences
  // "a map", "a list", or the scalar's describe().
  std::string describeKind() const;

  const std::string& text() const { return text_; }
  bool quoted() const { return quoted_; }
  const std::string& tag() const { return tag_; }
  void setTag(std::string tag) { tag_ = std::move(tag); }
  const Location& where() const { return where_; }
  const std::string& path() const { return path_; }

  // Maps: entries in file order.
  const std::vector<std::pair<std::string, ConfigNode>>& entries() const { return entries_; }
  std::vector<std::pair<std::string, ConfigNode>>& entries() { return entries_; }
  const ConfigNode* find(const std::string& key) const;
  ConfigNode* find(const std::string& key);
  bool has(const std::string& key) const;  // present and not null
  ConfigNode& set(const std::string& key, ConfigNode value);  // add or replace
  // The child `key`; a ConfigError naming this node when it is missing.
  const ConfigNode& at(const std::string& key) const;

  // Sequences.
  const std::vector<ConfigNode>& items() const { return items_; }
  std::vector<ConfigNode>& items() { return items_; }
  void append(ConfigNode value);

  // Typed access (ConfigError on a wrong type).
  bool asBool() const;
  std::int64_t asInt() const;
  double asDouble() const;
  std::string asString() const;
  std::vector<std::int64_t> asIntList() const;
  std::vector<std::string> asStringList() const;

  // Child access with a default when the key is absent or null.
  bool getBool(const std::string& key, bool fallback) const;
  std::int64_t getInt(const std::string& key, std::int64_t fallback) const;
  double getDouble(const std::string& key, double fallback) const;
  std::string getString(const std::string& key, const std::string& fallback) const;

  // Rewrites a scalar in place (e.g. a resolved path), keeping location and path.
  void replaceText(std::string text);

  // A ConfigError located at this node.
  ConfigError error(const std::string& message) const;

  // The tree as YAML text (anchors expanded, comments dropped).
  std::string toYaml() const;

 private:
  Kind kind_ = Kind::Null;
  std::string text_;
  bool quoted_ = false;
  std::string tag_;
  Location where_;
  std::string path_;
  std::vector<std::pair<std::string, ConfigNode>> entries_;
  std::vector<ConfigNode> items_;
};

// Joins a key path: childPath("a.b", "c") == "a.b.c", childPath("", "a") == "a".
std::string childPath(const std::string& parent, const std::string& key);
std::string indexPath(const std::string& parent, std::size_t index);

}  // namespace morphaeus
