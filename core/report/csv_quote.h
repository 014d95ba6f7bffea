// A CSV field in double quotes, inner quotes doubled (RFC 4180), for the report files.
#pragma once

#include <string>

namespace morphaeus {

inline std::string csvQuote(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

}  // namespace morphaeus
