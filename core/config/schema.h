// A declarative description of what a configuration (or one component's `params`) may hold.
// Validation against it catches wrong types, unknown keys, missing keys and bad enum values.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/config/component_kind.h"

namespace morphaeus {

enum class ValueType {
  Any,  // anything (documented free-form values)
  Bool,
  Int,
  Number,  // integer or float
  String,
  Path,       // a string; relative paths resolve against the config file's directory
  InputPath,  // a path to an existing input (split CSV, folder, weights): a relative one resolves
              // against the config file's directory, else the data root, else the working
              // directory (upstream's base): the first where it exists (the first when none does;
              // always the first for a path with ".." components)
  Enum,       // a string from `choices`
  List,       // a list whose items match `element`
  Map,        // a map with the keys of `schema`
  Dict,       // a map with free keys whose values match `element`
  Component,  // {module_name, class_name, params} chosen from the registry, plus `schema` keys
};

class Schema;

// A field's value when the key is absent: the one place a default is written (typed_params.h
// reads it; `doc` shows it).
using FieldDefault = std::variant<std::monostate, bool, std::int64_t, double, std::string>;

struct Field {
  std::string name;
  ValueType type = ValueType::Any;
  bool required = false;
  bool ignored = false;  // accepted for compatibility with upstream configs, has no effect
  std::string doc;       // the description; text() adds the default
  std::vector<std::string> choices;           // Enum
  std::shared_ptr<Field> element;             // List, Dict
  std::shared_ptr<Schema> schema;             // Map; extra sibling keys for Component
  ComponentKind kind = ComponentKind::Model;  // Component
  std::optional<double> min, max;             // Int, Number
  bool min_exclusive = false;                 // `min` itself refused (a learning rate > 0)
  std::optional<std::size_t> length;          // List: exact length
  FieldDefault fallback;                      // Bool, Int, Number, String, Enum

  // A key the config must give: no default (a default set before is dropped).
  Field& require() {
    required = true;
    fallback = {};
    return *this;
  }
  Field& ignore(std::string why) {
    ignored = true;
    doc = std::move(why);
    return *this;
  }
  Field& describe(std::string text) {
    doc = std::move(text);
    return *this;
  }
  Field& atLeast(double v) {
    min = v;
    return *this;
  }
  Field& between(double lo, double hi) {
    min = lo;
    max = hi;
    return *this;
  }
  Field& above(double v) {
    min = v;
    min_exclusive = true;
    return *this;
  }
  // List: every item at least v (sizes, channels, strides).
  Field& eachAtLeast(double v) {
    element->atLeast(v);
    return *this;
  }
  Field& ofLength(std::size_t n) {
    length = n;
    return *this;
  }
  // The value when the key is absent; text() shows it as "default X".
  Field& byDefault(bool v) { return setDefault(v); }
  Field& byDefault(int v) { return setDefault(static_cast<std::int64_t>(v)); }
  Field& byDefault(std::int64_t v) { return setDefault(v); }
  Field& byDefault(double v) { return setDefault(v); }
  Field& byDefault(const char* v) { return setDefault(std::string(v)); }
  bool hasDefault() const { return fallback.index() != 0; }
  std::string defaultText() const;
  // The doc line as shown: "description; default X".
  std::string text() const;
  // Int, Number: the values allowed, as the validator's messages and the key reference say them:
  // "at least 1", "greater than 0", "between 0.5 and 0.999"; "" without bounds.
  std::string rangeText() const;

 private:
  Field& setDefault(FieldDefault v);
};

// An ordered set of fields; a map validated against it may hold no other keys.
class Schema {
 public:
  Field& add(const std::string& name, ValueType type);
  Field& boolean(const std::string& name) { return add(name, ValueType::Bool); }
  Field& integer(const std::string& name) { return add(name, ValueType::Int); }
  Field& number(const std::string& name) { return add(name, ValueType::Number); }
  Field& string(const std::string& name) { return add(name, ValueType::String); }
  Field& path(const std::string& name) { return add(name, ValueType::Path); }
  Field& inputPath(const std::string& name) { return add(name, ValueType::InputPath); }
  Field& any(const std::string& name) { return add(name, ValueType::Any); }
  Field& enumeration(const std::string& name, std::vector<std::string> choices);
  Field& list(const std::string& name, ValueType element);
  Field& listOf(const std::string& name, Field element);
  Field& map(const std::string& name, Schema schema);
  Field& dict(const std::string& name, Field element);
  Field& component(const std::string& name, ComponentKind kind, Schema siblings = {});

  // Adds the fields of `other` after these (a field of the same name is replaced in place).
  Schema& append(const Schema& other);
  // Every field marked ignored with `why` (keys accepted from upstream's configs, no effect).
  Schema& ignoringAll(const std::string& why);

  const Field* find(const std::string& name) const;
  const std::vector<Field>& fields() const { return fields_; }
  std::vector<std::string> names() const;

 private:
  std::vector<Field> fields_;
};

// A field description for list elements and dict values.
Field element(ValueType type);
Field mapElement(Schema schema);
Field listElement(ValueType inner);

}  // namespace morphaeus
