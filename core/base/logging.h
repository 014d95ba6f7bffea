// Logging set-up: console always, plus <output>/run.log once a run directory exists.
#pragma once

#include <string>

namespace morphaeus {

// Valid levels: trace, debug, info, warn, error, off. Throws std::invalid_argument otherwise.
void setupConsoleLogging(const std::string& level);
void addLogFile(const std::string& path);

}  // namespace morphaeus
