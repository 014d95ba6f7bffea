// A checkpoint that cannot be read or does not fit the model: one line naming the file.
#pragma once

#include <stdexcept>
#include <string>

namespace morphaeus {

class CheckpointError : public std::runtime_error {
 public:
  CheckpointError(const std::string& file, const std::string& message)
      : std::runtime_error(file + ": " + message) {}
};

}  // namespace morphaeus
