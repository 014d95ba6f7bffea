#include "core/config/scalar.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <regex>

namespace morphaeus {

const char* describe(ScalarType type) {
  switch (type) {
    case ScalarType::Null: return "null";
    case ScalarType::Bool: return "a boolean";
    case ScalarType::Int: return "an integer";
    case ScalarType::Float: return "a number";
    case ScalarType::String: return "a string";
  }
  return "a value";
}

std::optional<bool> parseBool(const std::string& t) {
  static const char* kTrue[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
  static const char* kFalse[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
  for (const char* s : kTrue)
    if (t == s) return true;
  for (const char* s : kFalse)
    if (t == s) return false;
  return std::nullopt;
}

std::optional<std::int64_t> parseInt(const std::string& t) {
  static const std::regex kDec("[-+]?(0|[1-9][0-9_]*)");
  static const std::regex kHex("0x[0-9a-fA-F_]+");
  std::string digits;
  int base = 10;
  if (std::regex_match(t, kDec)) {
    digits = t;
  } else if (std::regex_match(t, kHex)) {
    digits = t.substr(2);
    base = 16;
  } else {
    return std::nullopt;
  }
  digits.erase(std::remove(digits.begin(), digits.end(), '_'), digits.end());
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(digits.c_str(), &end, base);
  if (errno == ERANGE || end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<std::int64_t>(v);
}

std::optional<double> parseFloat(const std::string& t) {
  static const std::regex kFloat(
      "[-+]?([0-9][0-9_]*)?\\.?[0-9_]*([eE][-+]?[0-9]+)?");
  if (t == ".inf" || t == ".Inf" || t == ".INF" || t == "+.inf") {
    return std::numeric_limits<double>::infinity();
  }
  if (t == "-.inf" || t == "-.Inf" || t == "-.INF") return -std::numeric_limits<double>::infinity();
  if (t == ".nan" || t == ".NaN" || t == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  if (t.empty() || !std::regex_match(t, kFloat)) return std::nullopt;
  bool has_digit = false;
  for (char c : t) {
    if (c == 'e' || c == 'E') break;
    has_digit |= (c >= '0' && c <= '9');
  }
  if (!has_digit) return std::nullopt;
  std::string clean = t;
  clean.erase(std::remove(clean.begin(), clean.end(), '_'), clean.end());
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(clean.c_str(), &end);
  if (end == nullptr || *end != '\0' || (errno == ERANGE && std::isinf(v))) return std::nullopt;
  return v;
}

ScalarType resolveScalar(const std::string& text, bool quoted) {
  if (quoted) return ScalarType::String;
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return ScalarType::Null;
  }
  if (parseBool(text)) return ScalarType::Bool;
  if (parseInt(text)) return ScalarType::Int;
  if (parseFloat(text)) return ScalarType::Float;
  return ScalarType::String;
}

}  // namespace morphaeus
