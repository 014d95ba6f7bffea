#include "core/base/logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace morphaeus {

void setupConsoleLogging(const std::string& level) {
  const auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    throw std::invalid_argument("unknown log level \"" + level + "\"");
  }
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("morphaeus", console);
  logger->set_pattern("[%H:%M:%S] [%^%l%$] %v");
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

void addLogFile(const std::string& path) {
  auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, false);
  file->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] %v");
  auto logger = spdlog::default_logger();
  logger->sinks().push_back(file);
  logger->flush_on(spdlog::level::info);
}

}  // namespace morphaeus
