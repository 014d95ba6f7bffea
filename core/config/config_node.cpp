#include "core/config/config_node.h"

#include <yaml-cpp/yaml.h>

namespace morphaeus {

std::string childPath(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string indexPath(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

ConfigNode ConfigNode::scalar(std::string text, bool quoted, Location where, std::string path) {
  ConfigNode n;
  n.kind_ = Kind::Scalar;
  n.text_ = std::move(text);
  n.quoted_ = quoted;
  n.where_ = std::move(where);
  n.path_ = std::move(path);
  return n;
}

ConfigNode ConfigNode::sequence(Location where, std::string path) {
  ConfigNode n;
  n.kind_ = Kind::Sequence;
  n.where_ = std::move(where);
  n.path_ = std::move(path);
  return n;
}

ConfigNode ConfigNode::map(Location where, std::string path) {
  ConfigNode n = sequence(std::move(where), std::move(path));
  n.kind_ = Kind::Map;
  return n;
}

ConfigNode ConfigNode::null(Location where, std::string path) {
  ConfigNode n = sequence(std::move(where), std::move(path));
  n.kind_ = Kind::Null;
  return n;
}

bool ConfigNode::isNull() const { return scalarType() == ScalarType::Null; }

ScalarType ConfigNode::scalarType() const {
  switch (kind_) {
    case Kind::Null: return ScalarType::Null;
    case Kind::Scalar: return resolveScalar(text_, quoted_);
    default: return ScalarType::String;
  }
}

std::string ConfigNode::describeKind() const {
  if (kind_ == Kind::Map) return "a map";
  if (kind_ == Kind::Sequence) return "a list";
  if (scalarType() == ScalarType::Null) return "nothing (null)";
  return "\"" + text_ + "\"";
}

const ConfigNode* ConfigNode::find(const std::string& key) const {
  for (const auto& [k, v] : entries_)
    if (k == key) return &v;
  return nullptr;
}

ConfigNode* ConfigNode::find(const std::string& key) {
  for (auto& [k, v] : entries_)
    if (k == key) return &v;
  return nullptr;
}

bool ConfigNode::has(const std::string& key) const {
  const ConfigNode* n = find(key);
  return n != nullptr && !n->isNull();
}

ConfigNode& ConfigNode::set(const std::string& key, ConfigNode value) {
  if (kind_ == Kind::Null) kind_ = Kind::Map;
  if (ConfigNode* existing = find(key)) {
    *existing = std::move(value);
    return *existing;
  }
  entries_.emplace_back(key, std::move(value));
  return entries_.back().second;
}

const ConfigNode& ConfigNode::at(const std::string& key) const {
  const ConfigNode* n = find(key);
  if (n == nullptr) throw error("missing required key \"" + key + "\"");
  return *n;
}

void ConfigNode::append(ConfigNode value) {
  if (kind_ == Kind::Null) kind_ = Kind::Sequence;
  items_.push_back(std::move(value));
}

ConfigError ConfigNode::error(const std::string& message) const {
  return ConfigError(where_, path_, message);
}

bool ConfigNode::asBool() const {
  if (scalarType() != ScalarType::Bool) throw error("expected a boolean, got " + describeKind());
  return *parseBool(text_);
}

std::int64_t ConfigNode::asInt() const {
  if (scalarType() != ScalarType::Int) throw error("expected an integer, got " + describeKind());
  return *parseInt(text_);
}

double ConfigNode::asDouble() const {
  ScalarType t = scalarType();
  if (t == ScalarType::Int) return static_cast<double>(*parseInt(text_));
  if (t != ScalarType::Float) throw error("expected a number, got " + describeKind());
  return *parseFloat(text_);
}

std::string ConfigNode::asString() const {
  if (kind_ != Kind::Scalar) throw error("expected a string, got " + describeKind());
  return text_;
}

std::vector<std::int64_t> ConfigNode::asIntList() const {
  if (kind_ != Kind::Sequence) throw error("expected a list of integers, got " + describeKind());
  std::vector<std::int64_t> out;
  for (const auto& item : items_) out.push_back(item.asInt());
  return out;
}

std::vector<std::string> ConfigNode::asStringList() const {
  if (kind_ != Kind::Sequence) throw error("expected a list of strings, got " + describeKind());
  std::vector<std::string> out;
  for (const auto& item : items_) out.push_back(item.asString());
  return out;
}

bool ConfigNode::getBool(const std::string& key, bool fallback) const {
  const ConfigNode* n = find(key);
  return (n == nullptr || n->isNull()) ? fallback : n->asBool();
}

std::int64_t ConfigNode::getInt(const std::string& key, std::int64_t fallback) const {
  const ConfigNode* n = find(key);
  return (n == nullptr || n->isNull()) ? fallback : n->asInt();
}

double ConfigNode::getDouble(const std::string& key, double fallback) const {
  const ConfigNode* n = find(key);
  return (n == nullptr || n->isNull()) ? fallback : n->asDouble();
}

std::string ConfigNode::getString(const std::string& key, const std::string& fallback) const {
  const ConfigNode* n = find(key);
  return (n == nullptr || n->isNull()) ? fallback : n->asString();
}

void ConfigNode::replaceText(std::string text) {
  kind_ = Kind::Scalar;
  text_ = std::move(text);
  quoted_ = true;
}

namespace {
void emit(YAML::Emitter& out, const ConfigNode& n) {
  switch (n.kind()) {
    case ConfigNode::Kind::Null: out << YAML::Null; break;
    case ConfigNode::Kind::Scalar:
      if (n.quoted() && resolveScalar(n.text(), false) != ScalarType::String) {
        out << YAML::DoubleQuoted << n.text();
      } else {
        out << n.text();
      }
      break;
    case ConfigNode::Kind::Sequence: {
      bool flow = true;
      for (const auto& item : n.items()) flow &= item.isScalar();
      if (flow) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& item : n.items()) emit(out, item);
      out << YAML::EndSeq;
      break;
    }
    case ConfigNode::Kind::Map:
      out << YAML::BeginMap;
      for (const auto& [k, v] : n.entries()) {
        out << YAML::Key << k << YAML::Value;
        emit(out, v);
      }
      out << YAML::EndMap;
      break;
  }
}
}  // namespace

std::string ConfigNode::toYaml() const {
  YAML::Emitter out;
  emit(out, *this);
  return std::string(out.c_str()) + "\n";
}

}  // namespace morphaeus
