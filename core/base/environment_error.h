// A bad environment variable (a malformed OMP_NUM_THREADS, ...): a usage error, exit code 2,
// reported in one line that names the variable and its value.
#pragma once

#include <stdexcept>
#include <string>

namespace morphaeus {

class EnvironmentError : public std::runtime_error {
 public:
  EnvironmentError(const std::string& variable, const std::string& value, const std::string& why)
      : std::runtime_error("environment variable " + variable + "=\"" + value + "\": " + why) {}
};

}  // namespace morphaeus
