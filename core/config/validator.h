// Checks a configuration tree against a schema and the registry, and resolves relative paths.
#pragma once

#include <string>
#include <vector>

#include "core/config/config_node.h"
#include "core/config/schema.h"

namespace morphaeus {

class Registry;

struct ValidationReport {
  // Keys accepted for upstream compatibility that have no effect, with the reason.
  std::vector<std::string> ignored;
};

// Validates `root` against `schema`, resolving component params through `registry`.
// Relative Path values are rewritten against `config_dir`; relative InputPath values against the
// first of `config_dir` and `search_dirs` where they exist. Throws ConfigErrors listing every
// problem found (one line each).
ValidationReport validateConfig(ConfigNode& root, const Schema& schema, const Registry& registry,
                                const std::string& config_dir,
                                const std::vector<std::string>& search_dirs = {});

}  // namespace morphaeus
