#include "core/config/validator.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/config/suggest.h"

namespace morphaeus {
namespace {

class Validator {
 public:
  Validator(const ComponentCatalog& registry, std::string config_dir,
            std::vector<std::string> search_dirs)
      : registry_(registry),
        config_dir_(std::move(config_dir)),
        search_dirs_(std::move(search_dirs)) {}

  void checkMap(ConfigNode& node, const Schema& schema, const std::vector<std::string>& extra_keys);
  void check(ConfigNode& node, const Field& field);

  std::vector<ConfigError> errors;
  ValidationReport report;

 private:
  void fail(const ConfigNode& node, const std::string& message) {
    errors.push_back(node.error(message));
  }
  void checkNumber(ConfigNode& node, const Field& field, bool integer);
  void checkComponent(ConfigNode& node, const Field& field);
  void resolvePath(ConfigNode& node, bool search);

  const ComponentCatalog& registry_;
  std::string config_dir_;
  std::vector<std::string> search_dirs_;
};

std::string inQuotes(const std::string& s) {
  return "\"" + s + "\"";
}

void Validator::checkMap(ConfigNode& node, const Schema& schema,
                         const std::vector<std::string>& extra_keys) {
  std::vector<std::string> allowed = extra_keys;
  for (const auto& n : schema.names()) allowed.push_back(n);
  for (auto& [key, value] : node.entries()) {
    if (std::find(extra_keys.begin(), extra_keys.end(), key) != extra_keys.end()) continue;
    const Field* field = schema.find(key);
    if (field == nullptr) {
      std::string message = "unknown key";
      if (auto guess = nearest(key, allowed)) message += "; did you mean " + inQuotes(*guess) + "?";
      message += " (allowed: " + (allowed.empty() ? std::string("none") : joinNames(allowed)) + ")";
      fail(value, message);
      continue;
    }
    if (field->ignored) {
      report.ignored.push_back(value.path() + ": " + field->text());
      continue;
    }
    check(value, *field);
  }
  for (const auto& field : schema.fields()) {
    if (field.required && node.find(field.name) == nullptr) {
      fail(node, "missing required key " + inQuotes(field.name) +
                     (field.text().empty() ? "" : " (" + field.text() + ")"));
    }
  }
}

void Validator::checkNumber(ConfigNode& node, const Field& field, bool integer) {
  ScalarType t = node.scalarType();
  const bool ok = integer ? t == ScalarType::Int : (t == ScalarType::Int || t == ScalarType::Float);
  if (!ok) {
    fail(node, std::string("expected ") + (integer ? "an integer" : "a number") + ", got " +
                   node.describeKind());
    return;
  }
  const double v = node.asDouble();
  if (!std::isfinite(v)) {
    fail(node, "expected a finite number, got " + node.text());
    return;
  }
  const bool below = field.min && (field.min_exclusive ? !(v > *field.min) : !(v >= *field.min));
  if (below || (field.max && !(v <= *field.max))) {
    fail(node, "expected a value " + field.rangeText() + ", got " + node.text());
  }
}

void Validator::resolvePath(ConfigNode& node, bool search) {
  namespace fs = std::filesystem;
  const std::string& text = node.text();
  if (text.empty() || config_dir_.empty()) return;
  fs::path p(text);
  if (p.is_absolute()) return;
  const fs::path first = (fs::path(config_dir_) / p).lexically_normal();
  // A path that climbs out of its base ("../runs/...") is meant relative to the config's folder.
  const bool climbs = std::any_of(p.begin(), p.end(), [](const fs::path& c) { return c == ".."; });
  std::error_code ec;
  if (search && !climbs && !fs::exists(first, ec)) {
    for (const fs::path base : search_dirs_) {
      const fs::path candidate = (base / p).lexically_normal();
      if (!base.empty() && fs::exists(candidate, ec)) {
        node.replaceText(candidate.string());
        return;
      }
    }
  }
  node.replaceText(first.string());
}

void Validator::checkComponent(ConfigNode& node, const Field& field) {
  if (!node.isMap()) {
    fail(node,
         "expected a map with module_name, class_name and params, got " + node.describeKind());
    return;
  }
  const std::size_t before = errors.size();
  for (const char* key : {"module_name", "class_name"}) {
    const ConfigNode* n = node.find(key);
    if (n == nullptr || n->isNull()) {
      fail(node, std::string("missing required key \"") + key + "\"");
    } else if (!n->isScalar()) {
      fail(*n, "expected a string, got " + n->describeKind());
    }
  }
  if (errors.size() != before) return;

  const ComponentSpec* spec = nullptr;
  try {
    spec = &registry_.resolve(field.kind, node);
  } catch (const ConfigError& e) {
    errors.push_back(e);
  }
  std::vector<std::string> extra = {"module_name", "class_name", "params"};
  if (spec == nullptr || spec->siblings.fields().empty()) {
    checkMap(node, *field.schema, extra);
  } else {  // the component's own sibling keys refine the place's (which may require them)
    Schema merged = *field.schema;
    for (const Field& own : spec->siblings.fields()) {
      const Field* place = field.schema->find(own.name);
      Field& f = merged.add(own.name, own.type);
      f = own;
      if (place != nullptr) f.required = f.required || place->required;
    }
    checkMap(node, merged, extra);
  }
  if (spec == nullptr) return;
  if (spec->ignored) {
    report.ignored.push_back(node.path() + ": " + spec->summary);
    return;
  }
  ConfigNode* params = node.find("params");
  if (params != nullptr && !params->isNull()) {
    if (!params->isMap()) {
      fail(*params, "expected a map of parameters, got " + params->describeKind());
    } else {
      checkMap(*params, spec->params, {});
    }
    return;
  }
  for (const auto& f : spec->params.fields()) {
    if (f.required) fail(params ? *params : node, "missing required key params." + f.name);
  }
}

void Validator::check(ConfigNode& node, const Field& field) {
  if (node.isNull()) {
    if (field.required) fail(node, "a value is required here");
    return;
  }
  switch (field.type) {
    case ValueType::Any:
      return;
    case ValueType::Bool:
      if (node.scalarType() != ScalarType::Bool) {
        fail(node, "expected a boolean (true/false), got " + node.describeKind());
      }
      return;
    case ValueType::Int:
      return checkNumber(node, field, true);
    case ValueType::Number:
      return checkNumber(node, field, false);
    case ValueType::String:
    case ValueType::Path:
    case ValueType::InputPath:
      if (!node.isScalar()) {
        fail(node, "expected a string, got " + node.describeKind());
      } else if (field.type != ValueType::String) {
        resolvePath(node, field.type == ValueType::InputPath);
      }
      return;
    case ValueType::Enum: {
      const std::string text = node.isScalar() ? node.text() : std::string();
      if (std::find(field.choices.begin(), field.choices.end(), text) != field.choices.end())
        return;
      std::string message = "expected one of [" + joinNames(field.choices) + "], got " +
                            (node.isScalar() ? inQuotes(text) : node.describeKind());
      if (node.isScalar()) {
        if (auto guess = nearest(text, field.choices))
          message += "; did you mean " + inQuotes(*guess) + "?";
      }
      fail(node, message);
      return;
    }
    case ValueType::List: {
      if (!node.isSequence()) {
        fail(node, "expected a list, got " + node.describeKind());
        return;
      }
      if (field.length && node.items().size() != *field.length) {
        fail(node, "expected a list of " + std::to_string(*field.length) + " values, got " +
                       std::to_string(node.items().size()));
      }
      for (auto& item : node.items()) check(item, *field.element);
      return;
    }
    case ValueType::Map:
      if (!node.isMap()) {
        fail(node, "expected a map, got " + node.describeKind());
        return;
      }
      checkMap(node, *field.schema, {});
      return;
    case ValueType::Dict:
      if (!node.isMap()) {
        fail(node, "expected a map, got " + node.describeKind());
        return;
      }
      for (auto& [key, value] : node.entries()) {
        check(value, *field.element);
      }
      return;
    case ValueType::Component:
      return checkComponent(node, field);
  }
}

// checkValue's catalog: its fields choose no components.
class NoComponents : public ComponentCatalog {
 public:
  const ComponentSpec& resolve(ComponentKind, const ConfigNode& node) const override {
    throw std::logic_error("checkValue: " + node.path() + " is a component");
  }
};

}  // namespace

void checkValue(const ConfigNode& node, const Field& field) {
  switch (field.type) {
    case ValueType::Bool:
    case ValueType::Int:
    case ValueType::Number:
    case ValueType::String:
    case ValueType::Enum:
      break;
    default:
      throw std::logic_error("checkValue: " + field.name + " is not a scalar field");
  }
  static const NoComponents none;
  Validator v(none, "", {});
  v.check(const_cast<ConfigNode&>(node), field);  // scalar checks never change the node
  if (!v.errors.empty()) throw v.errors.front();
}

ValidationReport validateConfig(ConfigNode& root, const Schema& schema,
                                const ComponentCatalog& registry, const std::string& config_dir,
                                const std::vector<std::string>& search_dirs) {
  Validator v(registry, config_dir, search_dirs);
  v.checkMap(root, schema, {});
  if (!v.errors.empty()) throw ConfigErrors(std::move(v.errors));
  return v.report;
}

}  // namespace morphaeus
