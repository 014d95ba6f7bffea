#include "core/config/yaml_loader.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

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

ConfigNode convert(const YAML::Node& node, const std::string& file, const std::string& path,
                   bool positions) {
  Location where = at(file, node.Mark(), positions);
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
      for (const auto& item : node) out.append(convert(item, file, indexPath(path, i++), positions));
      break;
    }
    case YAML::NodeType::Map: {
      out = ConfigNode::map(where, path);
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) {
          throw ConfigError(at(file, kv.first.Mark(), positions), path, "map keys must be plain names");
        }
        const std::string key = kv.first.Scalar();
        if (out.find(key) != nullptr) {
          throw ConfigError(at(file, kv.first.Mark(), positions), childPath(path, key),
                            "duplicate key (first given at " + out.find(key)->where().str() + ")");
        }
        out.set(key, convert(kv.second, file, childPath(path, key), positions));
      }
      break;
    }
  }
  out.setTag(tag == kTuple ? "tuple" : "");
  return out;
}

ConfigNode parse(const std::string& text, const std::string& file) {
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
  return convert(root, file, "", true);
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
  YAML::Node node;
  try {
    node = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(where, path, "cannot parse the value \"" + text + "\": " + e.msg);
  }
  return convert(node, where.file, path, false);
}

}  // namespace morphaeus
