#include "core/config/key_path.h"

namespace morphaeus {

std::vector<std::string> splitKeyPath(const std::string& key) {
  std::vector<std::string> parts;
  std::string::size_type from = 0;
  for (std::string::size_type dot; (dot = key.find('.', from)) != std::string::npos; from = dot + 1)
    parts.push_back(key.substr(from, dot - from));
  parts.push_back(key.substr(from));
  return parts;
}

}  // namespace morphaeus
