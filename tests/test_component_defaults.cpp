// Every registered component whose params have schema defaults is built from an empty params map
// (only its required keys, with placeholder values) by its factory's own options path, and its
// options must equal a default-constructed options struct; then each defaulted key is set to
// another valid value in turn and the options must differ (or the key be refused): the schema's
// defaults are the struct's, and every defaulted key reaches the struct.
#include <gtest/gtest.h>

#include <iomanip>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/config/config_error.h"
#include "core/config/yaml_loader.h"
#include "core/registry/registry.h"

namespace morphaeus {
namespace {

// A params tree written as YAML flow text.
struct Tree {
  std::string scalar;                  // leaves
  std::map<std::string, Tree> fields;  // maps
  bool is_map = false;
  std::string yaml() const {
    if (!is_map) return scalar;
    std::string text = "{";
    for (const auto& [key, value] : fields) {
      text += (text.size() > 1 ? ", " : "") + key + ": " + value.yaml();
    }
    return text + "}";
  }
};

std::string number(double v) {
  std::ostringstream out;
  out << std::setprecision(17) << v;
  std::string text = out.str();
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string leafPlaceholder(const Field& f) {
  switch (f.type) {
    case ValueType::Bool:
      return "false";
    case ValueType::Int:
      return std::to_string(static_cast<std::int64_t>(f.min.value_or(1)) +
                            (f.min_exclusive ? 1 : 0));
    case ValueType::Number:
      return number(f.min.value_or(0.5) + (f.min_exclusive ? 0.5 : 0.0));
    case ValueType::Enum:
      return f.choices.front();
    case ValueType::List: {
      const std::size_t n = f.length.value_or(1);
      std::string items;
      for (std::size_t i = 0; i < n; ++i) items += (i ? ", " : "") + leafPlaceholder(*f.element);
      return "[" + items + "]";
    }
    default:
      return "placeholder";
  }
}

Tree requiredOf(const Schema& schema);

Tree placeholder(const Field& f) {
  if (f.type == ValueType::Map) return requiredOf(*f.schema);
  if (f.type == ValueType::Component) {  // the first registered one that needs no params
    for (const ComponentSpec* spec : Registry::global().list(f.kind)) {
      bool needs = false;
      for (const Field& g : spec->params.fields()) needs = needs || g.required;
      if (!needs) {
        Tree t;
        t.is_map = true;
        t.fields["module_name"].scalar = spec->name.module_name;
        t.fields["class_name"].scalar = spec->name.class_name;
        return t;
      }
    }
    ADD_FAILURE() << "no " << kindName(f.kind) << " without required params";
  }
  return Tree{leafPlaceholder(f), {}, false};
}

Tree requiredOf(const Schema& schema) {
  Tree t;
  t.is_map = true;
  for (const Field& f : schema.fields()) {
    if (f.required) t.fields[f.name] = placeholder(f);
  }
  return t;
}

// Another valid value than the field's default.
std::string changed(const Field& f) {
  if (const auto* b = std::get_if<bool>(&f.fallback)) return *b ? "false" : "true";
  if (f.type == ValueType::Enum) {
    const std::string d = std::get<std::string>(f.fallback);
    for (const std::string& c : f.choices) {
      if (c != d) return c;
    }
  }
  if (const auto* s = std::get_if<std::string>(&f.fallback)) return *s + "x";
  if (f.type == ValueType::Int) {
    const auto d = std::get<std::int64_t>(f.fallback);
    return std::to_string(!f.max || static_cast<double>(d + 1) <= *f.max ? d + 1 : d - 1);
  }
  const double d = std::holds_alternative<double>(f.fallback)
                       ? std::get<double>(f.fallback)
                       : static_cast<double>(std::get<std::int64_t>(f.fallback));
  return number(!f.max || d + 0.25 <= *f.max ? d + 0.25 : (d + f.min.value_or(0)) / 2);
}

// The keys (dotted through maps) whose fields have a default, ignored ones left out.
void defaultedKeys(const Schema& schema, const std::string& prefix,
                   std::vector<std::pair<std::string, const Field*>>& out) {
  for (const Field& f : schema.fields()) {
    if (f.ignored) continue;
    const std::string key = prefix.empty() ? f.name : prefix + "." + f.name;
    if (f.type == ValueType::Map) defaultedKeys(*f.schema, key, out);
    if (f.hasDefault()) out.emplace_back(key, &f);
  }
}

// `base` with `key` (dotted) set to `value`, parent maps added with their required keys.
Tree withKey(Tree base, const Schema& schema, const std::string& key, const std::string& value) {
  Tree* node = &base;
  const Schema* s = &schema;
  std::string rest = key;
  for (std::string::size_type dot; (dot = rest.find('.')) != std::string::npos;) {
    const std::string part = rest.substr(0, dot);
    const Field* f = s->find(part);
    if (!node->fields.count(part)) node->fields[part] = requiredOf(*f->schema);
    node = &node->fields[part];
    s = &*f->schema;
    rest = rest.substr(dot + 1);
  }
  node->fields[rest] = Tree{value, {}, false};
  return base;
}

ConfigNode parse(const Tree& t, const std::string& name) {
  return loadYamlString("params: " + t.yaml() + "\n", name).at("params");
}

TEST(ComponentDefaults, EveryComponentTakesItsStructsDefaultsAndEveryDefaultedKeyReachesIt) {
  int components = 0, checked = 0, keys = 0, refused = 0;
  for (ComponentKind kind : kComponentKinds) {
    for (const ComponentSpec* spec : Registry::global().list(kind)) {
      ++components;
      std::vector<std::pair<std::string, const Field*>> defaulted;
      defaultedKeys(spec->params, "", defaulted);
      if (defaulted.empty()) continue;
      const std::string name = kindName(kind) + " " + spec->name.str();
      if (!spec->takes_struct_defaults) {
        ADD_FAILURE() << name << " has schema defaults but no takes_struct_defaults check";
        continue;
      }
      ++checked;
      const Tree base = requiredOf(spec->params);
      EXPECT_TRUE(spec->takes_struct_defaults(parse(base, name)))
          << name << ": the options built from " << base.yaml()
          << " differ from its options struct's defaults";
      for (const auto& [key, field] : defaulted) {
        ++keys;
        const Tree params = withKey(base, spec->params, key, changed(*field));
        try {
          EXPECT_FALSE(spec->takes_struct_defaults(parse(params, name)))
              << name << ": " << key << " set to " << changed(*field) << " (default "
              << field->defaultText() << ") does not reach its options";
        } catch (const ConfigError& e) {  // a key that takes only its default: refused
          ++refused;
        }
      }
    }
  }
  std::printf(
      "%d components, %d with schema defaults: %d defaulted keys, each reaching its "
      "options (%d refused when changed)\n",
      components, checked, keys, refused);
  EXPECT_GE(checked, 14);
}

}  // namespace
}  // namespace morphaeus
