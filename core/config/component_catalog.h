// What the configuration's validator needs of the registered components: each one's names and
// parameter schema, found by the module_name/class_name pair a config node names. The registry
// (core/registry/) implements it; the config layer never sees factories or LibTorch.
#pragma once

#include <any>
#include <functional>
#include <string>
#include <vector>

#include "core/config/component_kind.h"
#include "core/config/config_node.h"
#include "core/config/schema.h"

namespace morphaeus {

struct ComponentName {
  std::string module_name;
  std::string class_name;
  std::string str() const { return module_name + "/" + class_name; }
};

struct ComponentSpec {
  ComponentKind kind = ComponentKind::Model;
  ComponentName name;                  // canonical name
  std::vector<ComponentName> aliases;  // other accepted spellings (e.g. upstream module paths)
  Schema params;                       // what `params` may hold
  // Keys this component takes beside module_name/class_name/params, over those of the place that
  // chooses it (a downstream data loader's `datasets` entries: CSV splits, or CIFAR-10 classes).
  Schema siblings;
  std::string summary;   // one line, shown by --dry-run
  bool ignored = false;  // accepted for upstream compatibility; builds nothing
  // What every kind has is above; what one kind needs besides is its registered entry, set by the
  // layer able to build it: ModelComponent (its build and input rule), TrainerComponent (its build
  // and default model mode), a loss's, data set's or evaluator's std::function.
  std::any factory;
  // Components built from an options struct: whether the options that the factory's own path reads
  // from `params` equal, in every key that has a schema default, a default-constructed struct
  // (KeyTable::takesDefaults, core/config/key_table.h). Test ComponentDefaults.* calls it on every
  // component whose schema has a default, with no optional key given (must be true) and with each
  // one changed (must be false): the schema's defaults are the struct's, written once.
  std::function<bool(const ConfigNode& params)> takes_struct_defaults;
};

class ComponentCatalog {
 public:
  virtual ~ComponentCatalog() = default;
  // The spec chosen by a {module_name, class_name, ...} node; ConfigError listing the
  // registered names of that kind when the pair is unknown.
  virtual const ComponentSpec& resolve(ComponentKind kind, const ConfigNode& node) const = 0;
};

}  // namespace morphaeus
