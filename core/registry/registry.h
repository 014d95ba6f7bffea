// The component registry: maps a configuration's module_name/class_name pair (including the
// upstream Python names as aliases) to a parameter schema and a C++ factory.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/config/component_catalog.h"

namespace morphaeus {

class Registry : public ComponentCatalog {
 public:
  // The process-wide registry, with the core components registered on first use.
  static Registry& global();

  // Adds a component; a second spec with the same kind and name replaces the first.
  ComponentSpec& add(ComponentSpec spec);

  const ComponentSpec* find(ComponentKind kind, const std::string& module_name,
                            const std::string& class_name) const;
  // The spec chosen by a {module_name, class_name, ...} node; ConfigError listing the
  // registered names of that kind when the pair is unknown.
  const ComponentSpec& resolve(ComponentKind kind, const ConfigNode& node) const override;
  std::vector<const ComponentSpec*> list(ComponentKind kind) const;

  // Installs or reads a typed factory (std::function<...>) for a registered component.
  template <class Factory>
  void setFactory(ComponentKind kind, const std::string& module_name, const std::string& class_name,
                  Factory factory);
  template <class Factory>
  const Factory* factory(const ComponentSpec& spec) const {
    return std::any_cast<Factory>(&spec.factory);
  }
  // The factory of the component a {module_name, class_name} node chooses; ConfigError naming the
  // node when the pair is unknown or registered for validation only.
  template <class Factory>
  const Factory& requireFactory(ComponentKind kind, const ConfigNode& node) const {
    const ComponentSpec& spec = resolve(kind, node);
    const Factory* f = factory<Factory>(spec);
    if (f == nullptr) throw node.error(kindName(kind) + " " + spec.name.str() + " cannot be built");
    return *f;
  }

 private:
  ComponentSpec* findMutable(ComponentKind kind, const std::string& module_name,
                             const std::string& class_name);
  std::vector<std::unique_ptr<ComponentSpec>> specs_;
};

template <class Factory>
void Registry::setFactory(ComponentKind kind, const std::string& module_name,
                          const std::string& class_name, Factory factory) {
  ComponentSpec* spec = findMutable(kind, module_name, class_name);
  if (spec == nullptr) {
    throw std::logic_error("setFactory: " + module_name + "/" + class_name + " is not registered");
  }
  spec->factory = std::move(factory);
}

// Registers the components that core/ knows how to configure (models, data, losses, ...).
// Called once by Registry::global().
void registerCoreComponents(Registry& registry);

}  // namespace morphaeus
