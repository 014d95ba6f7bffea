// How a plain YAML scalar is typed. PyYAML (YAML 1.1) rules, which the upstream configs assume:
// null/~, True/False/yes/no/on/off, integers, floats (we also accept "5e-4" without a dot).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace morphaeus {

enum class ScalarType { Null, Bool, Int, Float, String };

// The name used in messages: "null", "a boolean", "an integer", "a number", "a string".
const char* describe(ScalarType type);

// Resolve a scalar's type. `quoted` scalars are always strings.
ScalarType resolveScalar(const std::string& text, bool quoted);

std::optional<bool> parseBool(const std::string& text);
std::optional<std::int64_t> parseInt(const std::string& text);
std::optional<double> parseFloat(const std::string& text);

}  // namespace morphaeus
