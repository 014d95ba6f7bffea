#include "core/base/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace morphaeus {
namespace {

void fsyncPath(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

void writeFileAtomic(const std::string& path, const std::function<void(std::ostream&)>& write) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const std::string tmp =
      (dir / ("." + target.filename().string() + ".tmp." + std::to_string(::getpid()))).string();
  try {
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) throw std::runtime_error(path + ": cannot write (" + std::strerror(errno) + ")");
      write(out);
      out.flush();
      if (!out) throw std::runtime_error(path + ": write failed (" + std::strerror(errno) + ")");
    }
    fsyncPath(tmp);
    fs::rename(tmp, target);
    fsyncPath(dir.string());
  } catch (...) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
}

void writeFileAtomic(const std::string& path, const std::string& content) {
  writeFileAtomic(path, [&](std::ostream& out) { out << content; });
}

}  // namespace morphaeus
