#include "core/base/shared_files.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace morphaeus {
namespace fs = std::filesystem;

std::string sharedFilesDir() {
  std::error_code ec;
  if (const char* env = std::getenv("MORPHAEUS_DATA_DIR"); env != nullptr && *env != '\0')
    return fs::absolute(env, ec).lexically_normal().string();
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path share = (exe.parent_path() / ".." / "share" / "morphaeus").lexically_normal();
    if (fs::is_directory(share, ec)) return share.string();
  }
#ifdef MORPHAEUS_SOURCE_DIR
  if (fs::is_directory(fs::path(MORPHAEUS_SOURCE_DIR) / "configs", ec)) return MORPHAEUS_SOURCE_DIR;
#endif
  return {};
}

std::vector<ShippedConfig> shippedConfigs() {
  std::vector<ShippedConfig> out;
  const std::string root = sharedFilesDir();
  if (root.empty()) return out;
  const auto add = [&](const fs::path& dir, const std::string& prefix) {
    std::vector<ShippedConfig> part;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.path().extension() != ".yaml") continue;
      const std::string stem = e.path().stem().string();
      part.push_back(
          {stem == "demo" && prefix == "synthetic/" ? "demo" : prefix + stem, e.path().string()});
    }
    std::sort(part.begin(), part.end(),
              [](const ShippedConfig& a, const ShippedConfig& b) { return a.name < b.name; });
    out.insert(out.end(), part.begin(), part.end());
  };
  add(fs::path(root) / "projects" / "morphaeus" / "configs" / "cxr", "paper/");
  add(fs::path(root) / "configs", "synthetic/");
  return out;
}

std::optional<ShippedConfig> findShippedConfig(const std::string& name) {
  std::string bare = name;
  if (bare.size() > 5 && bare.compare(bare.size() - 5, 5, ".yaml") == 0)
    bare.resize(bare.size() - 5);
  for (const auto& c : shippedConfigs())
    if (c.name == bare) return c;
  return std::nullopt;
}

bool isInstalledSyntheticConfig(const std::string& file) {
  const std::string root = sharedFilesDir();
  std::error_code ec;
  if (root.empty()) return false;
#ifdef MORPHAEUS_SOURCE_DIR
  if (fs::equivalent(root, MORPHAEUS_SOURCE_DIR, ec)) return false;
#endif
  return fs::equivalent(fs::absolute(file, ec).parent_path(), fs::path(root) / "configs", ec);
}

std::string shippedOrGiven(const std::string& path) {
  std::error_code ec;
  if (path.empty() || fs::exists(path, ec)) return path;
  if (const std::string shared = sharedFilesDir(); !shared.empty()) {
    const fs::path p = fs::path(shared) / path;
    if (fs::exists(p, ec)) return p.string();
  }
  return path;
}

std::string resolveConfigName(const std::string& name) {
  std::error_code ec;
  if (name.empty() || fs::exists(name, ec)) return name;
  const auto shipped = findShippedConfig(name);
  return shipped ? shipped->path : name;
}

}  // namespace morphaeus
