// A data problem (missing file, unreadable image, bad CSV): one line naming the file and place.
#pragma once

#include <stdexcept>
#include <string>

namespace morphaeus {

class DataError : public std::runtime_error {
 public:
  explicit DataError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace morphaeus
