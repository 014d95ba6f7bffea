// The kinds of pluggable components a configuration chooses by module_name/class_name.
#pragma once

#include <string>

namespace morphaeus {

enum class ComponentKind {
  Configurator,
  Model,
  Trainer,
  Loss,
  DataLoader,
  Dataset,
  Evaluator,
  Transform
};

// Every kind, in the enum's order (for whatever walks all registered components).
inline constexpr ComponentKind kComponentKinds[] = {
    ComponentKind::Configurator, ComponentKind::Model,      ComponentKind::Trainer,
    ComponentKind::Loss,         ComponentKind::DataLoader, ComponentKind::Dataset,
    ComponentKind::Evaluator,    ComponentKind::Transform};

// "model", "trainer", "data loader", ...
std::string kindName(ComponentKind kind);

}  // namespace morphaeus
