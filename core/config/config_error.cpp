#include "core/config/config_error.h"

namespace morphaeus {

std::string Location::str() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

namespace {
std::string formatError(const Location& where, const std::string& key_path,
                        const std::string& message) {
  std::string out = where.str();
  if (!out.empty()) out += ": ";
  if (!key_path.empty()) out += key_path + ": ";
  return out + message;
}

// At most kShown lines (a config with thousands of bad keys would otherwise print them all).
std::string joinLines(const std::vector<ConfigError>& errors) {
  constexpr std::size_t kShown = 50;
  std::string out;
  for (std::size_t i = 0; i < errors.size() && i < kShown; ++i) {
    if (!out.empty()) out += '\n';
    out += errors[i].what();
  }
  if (errors.size() > kShown) {
    out += "\n... and " + std::to_string(errors.size() - kShown) + " more problems";
  }
  return out;
}
}  // namespace

ConfigError::ConfigError(Location where, std::string key_path, std::string message)
    : std::runtime_error(formatError(where, key_path, message)),
      where_(std::move(where)),
      key_path_(std::move(key_path)),
      message_(std::move(message)) {}

ConfigErrors::ConfigErrors(std::vector<ConfigError> errors)
    : std::runtime_error(joinLines(errors)), errors_(std::move(errors)) {}

}  // namespace morphaeus
