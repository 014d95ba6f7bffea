#include "core/config/yaml_loader.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <unordered_map>

namespace morphaeus {
namespace {

constexpr const char* kTuple = "tag:yaml.org,2002:python/tuple";

// `file` empty of positions (command-line values) when `positions` is false.
Location at(const std::string& file, const YAML::Mark& mark, bool positions = true) {
  if (!positions || mark.is_null()) return Location{file, 0, 0};
  return Location{file, mark.line + 1, mark.column + 1};
}

// Tags that mean "this scalar is a string" in YAML/PyYAML.
bool forcesString(const std::string& tag) {
  return tag == "!" || tag == "tag:yaml.org,2002:str";
}

bool isKnownTag(const std::string& tag) {
  static const char* kKnown[] = {"",
                                 "?",
                                 "!",
                                 kTuple,
                                 "tag:yaml.org,2002:str",
                                 "tag:yaml.org,2002:int",
                                 "tag:yaml.org,2002:float",
                                 "tag:yaml.org,2002:bool",
                                 "tag:yaml.org,2002:null",
                                 "tag:yaml.org,2002:seq",
                                 "tag:yaml.org,2002:map"};
  for (const char* k : kKnown)
    if (tag == k) return true;
  return false;
}

// Counts the nodes one conversion produces: aliases are expanded, so a few hundred bytes of nested
// anchors ("a1: &a1 [*a, *a, ...]") could otherwise make billions of nodes.
struct Budget {
  std::size_t nodes = 0;
};

ConfigNode convert(const YAML::Node& node, const std::string& file, const std::string& path,
                   bool positions, Budget& budget, std::size_t depth) {
  Location where = at(file, node.Mark(), positions);
  if (++budget.nodes > kMaxConfigNodes) {
    throw ConfigError(where, path,
                      "the configuration expands to more than " + std::to_string(kMaxConfigNodes) +
                          " values (nested aliases?); refused");
  }
  if (depth > kMaxConfigDepth) {
    throw ConfigError(where, path,
                      "nested deeper than " + std::to_string(kMaxConfigDepth) + " levels; refused");
  }
  const std::string& tag = node.Tag();
  if (!isKnownTag(tag)) {
    throw ConfigError(where, path, "unsupported YAML tag \"" + tag +
                                       "\" (only !!python/tuple and the standard tags)");
  }
  ConfigNode out;
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: out = ConfigNode::null(where, path); break;
    case YAML::NodeType::Scalar:
      out = ConfigNode::scalar(node.Scalar(), forcesString(tag), where, path);
      break;
    case YAML::NodeType::Sequence: {
      out = ConfigNode::sequence(where, path);
      std::size_t i = 0;
      for (const auto& item : node) {
        out.append(convert(item, file, indexPath(path, i++), positions, budget, depth + 1));
      }
      break;
    }
    case YAML::NodeType::Map: {
      out = ConfigNode::map(where, path);
      std::unordered_map<std::string, Location> seen;  // a linear find per key is quadratic
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) {
          throw ConfigError(at(file, kv.first.Mark(), positions), path, "map keys must be plain names");
        }
        const std::string key = kv.first.Scalar();
        const Location key_at = at(file, kv.first.Mark(), positions);
        if (const auto first = seen.find(key); first != seen.end()) {
          throw ConfigError(key_at, childPath(path, key),
                            "duplicate key (first given at " + first->second.str() + ")");
        }
        seen.emplace(key, at(file, kv.second.Mark(), positions));  // where its value starts
        ConfigNode value =
            convert(kv.second, file, childPath(path, key), positions, budget, depth + 1);
        out.entries().emplace_back(key, std::move(value));
      }
      break;
    }
  }
  out.setTag(tag == kTuple ? "tuple" : "");
  return out;
}

ConfigNode parse(const std::string& text, const std::string& file) {
  if (text.size() > kMaxConfigBytes) {
    throw ConfigError(Location{file, 0, 0}, "",
                      "the configuration file has " + std::to_string(text.size()) +
                          " bytes, more than the " + std::to_string(kMaxConfigBytes) +
                          " a configuration may have; refused");
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(at(file, e.mark), "", "YAML syntax error: " + e.msg);
  }
  if (!root.IsDefined() || root.IsNull()) return ConfigNode::map(Location{file, 1, 1}, "");
  if (!root.IsMap()) {
    throw ConfigError(at(file, root.Mark()), "", "the configuration must be a map of keys");
  }
  Budget budget;
  return convert(root, file, "", true, budget, 0);
}

}  // namespace

ConfigNode loadYamlFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(Location{path, 0, 0}, "", "cannot read the configuration file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse(buffer.str(), path);
}

ConfigNode loadYamlString(const std::string& text, const std::string& name) {
  return parse(text, name);
}

ConfigNode parseYamlValue(const std::string& text, const Location& where, const std::string& path) {
  if (text.size() > kMaxConfigBytes) {
    throw ConfigError(where, path,
                      "the value has " + std::to_string(text.size()) + " bytes, more than " +
                          std::to_string(kMaxConfigBytes));
  }
  YAML::Node node;
  try {
    node = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(where, path, "cannot parse the value \"" + text + "\": " + e.msg);
  }
  Budget budget;
  return convert(node, where.file, path, false, budget, 0);
}

}  // namespace morphaeus
