// Checks a configuration tree against a schema and the registered components, and resolves relative
// paths.
#pragma once

#include <string>
#include <vector>

#include "core/config/component_catalog.h"
#include "core/config/config_node.h"
#include "core/config/schema.h"

namespace morphaeus {

struct ValidationReport {
  // Keys accepted for upstream compatibility that have no effect, with the reason.
  std::vector<std::string> ignored;
};

// Validates `root` against `schema`, resolving component params through `registry` (the component
// registry). Relative Path values are rewritten against `config_dir`; relative InputPath values
// against the first of `config_dir` and `search_dirs` where they exist. Throws ConfigErrors listing
// every problem found (one line each).
ValidationReport validateConfig(ConfigNode& root, const Schema& schema,
                                const ComponentCatalog& registry, const std::string& config_dir,
                                const std::vector<std::string>& search_dirs = {});

// The checks validateConfig applies to one value of a Bool, Int, Number, String or Enum field
// (type, finiteness, range, choice), for values read outside a validated tree (typed_params.h).
// Throws the first ConfigError.
void checkValue(const ConfigNode& node, const Field& field);

}  // namespace morphaeus
