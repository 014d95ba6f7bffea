// Errors in a configuration: each names the file, line and column, and the key path.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace morphaeus {

// Where a value came from: a YAML file position (1-based) or a command-line override.
struct Location {
  std::string file;  // file path as given, or "--set k=v" for overrides
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown

  // "file:line:col" or just "file" when there is no position.
  std::string str() const;
};

// One configuration problem. what() is the one-line message
// "file:line:col: key.path: message".
class ConfigError : public std::runtime_error {
 public:
  ConfigError(Location where, std::string key_path, std::string message);

  const Location& where() const { return where_; }
  const std::string& keyPath() const { return key_path_; }
  const std::string& message() const { return message_; }

 private:
  Location where_;
  std::string key_path_;
  std::string message_;
};

// Several problems found in one validation pass; what() holds one line per problem.
class ConfigErrors : public std::runtime_error {
 public:
  explicit ConfigErrors(std::vector<ConfigError> errors);
  const std::vector<ConfigError>& errors() const { return errors_; }

 private:
  std::vector<ConfigError> errors_;
};

}  // namespace morphaeus
