#include "core/app/run_directory.h"

#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <stdexcept>

namespace morphaeus {

std::string createRunDirectory(const std::string& requested, const std::string& name) {
  namespace fs = std::filesystem;
  fs::path dir;
  if (!requested.empty()) {
    dir = requested;
  } else {
    std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    std::string safe = name;
    for (char& ch : safe)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') ch = '_';
    const fs::path base = fs::path("runs") / (safe + "-" + stamp);
    dir = base;
    for (int i = 1; fs::exists(dir); ++i) dir = base.string() + "-" + std::to_string(i);
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw std::runtime_error(dir.string() + ": cannot create the run directory (" + ec.message() +
                             ")");
  }
  return fs::absolute(dir).lexically_normal().string();
}

}  // namespace morphaeus
