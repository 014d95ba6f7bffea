// The kinds of pluggable components a configuration chooses by module_name/class_name.
#pragma once

#include <string>

namespace morphaeus {

enum class ComponentKind { Configurator, Model, Trainer, Loss, DataLoader, Dataset, Evaluator, Transform };

// "model", "trainer", "data loader", ...
std::string kindName(ComponentKind kind);

}  // namespace morphaeus
