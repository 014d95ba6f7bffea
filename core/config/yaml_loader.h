// Loads a YAML configuration file into a ConfigNode tree (anchors and aliases expanded,
// the `!!python/tuple` tag of the upstream configs read as a list).
#pragma once

#include <cstddef>
#include <string>

#include "core/config/config_node.h"

namespace morphaeus {

// Limits on what one configuration (file or --set value) may hold, so that any input loads or is
// refused in well under a second: its size, its values with aliases expanded, its nesting.
constexpr std::size_t kMaxConfigBytes = 1u << 20;
constexpr std::size_t kMaxConfigNodes = 100000;
constexpr std::size_t kMaxConfigDepth = 64;

// Throws ConfigError ("file:line:col: YAML syntax error: ...") on unreadable or malformed input.
ConfigNode loadYamlFile(const std::string& path);
// `name` is used as the file name in locations.
ConfigNode loadYamlString(const std::string& text, const std::string& name);

// Parses one value given on the command line (scalars, or flow lists/maps like [1, 2]).
ConfigNode parseYamlValue(const std::string& text, const Location& where, const std::string& path);

}  // namespace morphaeus
