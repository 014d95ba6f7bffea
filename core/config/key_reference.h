// The configuration keys as a reference for people: one Markdown table per schema -- each key
// (nested maps as dotted keys), its type, its default, what it accepts and its doc line -- written
// from the schemas the key tables declare, so that the documentation cannot drift from the code
// (`morphaeus configs keys` prints it; docs/CONFIG_KEYS.md is its output, checked by a test).
#pragma once

#include <string>
#include <vector>

#include "core/config/component_catalog.h"
#include "core/config/schema.h"

namespace morphaeus {

struct KeyRow {
  std::string key;       // "optimizer_params.lr" for a nested map's key
  std::string type;      // "integer", "list of 2 integers", "component (loss)", ...
  std::string fallback;  // the default; "required"; "" when absent means "not set"
  std::string accepts;   // "at least 1", "between 0 and 100", "fail | skip", ...
  std::string doc;       // the doc line; for an ignored key why it is ignored
  bool ignored = false;
};

// The rows of a schema in its order (a map's keys after it, dotted).
std::vector<KeyRow> keyRows(const Schema& schema, const std::string& prefix = "");
// A Markdown table of them (| escaped in cells); "" for no rows.
std::string keyTable(const std::vector<KeyRow>& rows);
// The whole reference: the experiment's top-level keys, then every component by kind.
std::string keyReference(const Schema& experiment,
                         const std::vector<const ComponentSpec*>& components);

}  // namespace morphaeus
