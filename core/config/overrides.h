// Command-line overrides: `--set trainer.params.nr_epochs=5`, typed like the value replaced.
#pragma once

#include <string>

#include "core/config/config_node.h"

namespace morphaeus {

// Applies one "key.path=value" assignment. The value is parsed as YAML (so `[8, 16]` is a list)
// and must have the type of the value it replaces: an integer stays an integer, a number accepts
// integers and floats, a boolean stays a boolean, a string takes any text verbatim, a list takes a
// list and a map a map. New keys are added (the schema then decides whether they are allowed).
// List items are addressed by index: `model.params.channels.0=8`.
void applyOverride(ConfigNode& root, const std::string& assignment);

}  // namespace morphaeus
