#include "core/commands/configs_command.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "core/base/shared_files.h"
#include "core/config/experiment_schema.h"
#include "core/config/key_reference.h"
#include "core/config/yaml_loader.h"
#include "core/registry/registry.h"
#include "core/registry/synthetic_data_keys.h"
#include "data/data_error.h"

namespace morphaeus {
namespace fs = std::filesystem;
namespace {

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot read the config");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// "MorphAEus: model morphaeus.MorphAEus, trainer ..., 1 task(s)"
std::string summary(const std::string& path) {
  const ConfigNode c = loadYamlFile(path);
  std::string line = c.getString("name", "?");
  if (const ConfigNode* m = c.find("model"); m && m->isMap())
    line += " | model " + m->getString("class_name", "?");
  if (const ConfigNode* t = c.find("trainer"); t && t->isMap())
    line += ", trainer " + t->getString("class_name", "?");
  if (const ConfigNode* d = c.find("downstream_tasks"); d && d->isMap()) {
    line += ", tasks";
    for (const auto& [name, task] : d->entries()) line += " " + name;
  }
  if (c.has("synthetic_data")) line += " (synthetic data, generated on the first run)";
  return line;
}

}  // namespace

std::string relocatedConfig(const std::string& text, const std::string& config_dir,
                            const std::string& root) {
  // A quoted or bare YAML scalar that starts with ./ or ../, outside comments.
  static const std::regex path(R"((['"]?)(\.\.?/[^'"\s,\]\}#]*)\1)");
  const auto relocate = [&](const std::string& p) {
    const fs::path resolved = (fs::path(config_dir) / p).lexically_normal();
    std::error_code ec;
    if (fs::exists(resolved, ec)) return resolved.string();  // a shipped file: absolute
    const fs::path rel = resolved.lexically_relative(root);  // an output: beside the new file
    return !rel.empty() && rel.begin()->string() != ".." ? rel.generic_string() : p;
  };
  std::istringstream lines(text);
  std::string out;
  for (std::string line; std::getline(lines, line);) {
    std::size_t comment = line.find('#');
    while (comment != std::string::npos && comment > 0 && line[comment - 1] != ' ' &&
           line[comment - 1] != '\t')
      comment = line.find('#', comment + 1);
    const std::string code = line.substr(0, comment);
    std::size_t last = 0;
    for (std::sregex_iterator it(code.begin(), code.end(), path), end; it != end; ++it) {
      const auto& m = *it;
      out.append(code, last, static_cast<std::size_t>(m.position(0)) - last);
      out += m[1].str() + relocate(m[2].str()) + m[1].str();
      last = static_cast<std::size_t>(m.position(0) + m.length(0));
    }
    out.append(code, last, std::string::npos);
    if (comment != std::string::npos) out += line.substr(comment);
    out += "\n";
  }
  return out;
}

ConfigsCommands addConfigsCommand(CLI::App& app, ConfigsOptions& o) {
  ConfigsCommands c;
  c.list =
      app.add_subcommand("configs", "list the shipped configs (paper/..., synthetic/..., demo)");
  c.show = c.list->add_subcommand("show", "print one shipped config, ready to redirect to a file");
  c.show->add_option("name", o.show, "e.g. paper/morphaeus, synthetic/vae, demo")->required();
  c.keys = c.list->add_subcommand(
      "keys", "print every configuration key: type, default, range and doc (Markdown)");
  return c;
}

int runConfigsList() {
  const std::string root = sharedFilesDir();
  const auto configs = shippedConfigs();
  if (configs.empty()) {
    throw std::runtime_error(
        "no shipped configs found (looked in MORPHAEUS_DATA_DIR, "
        "<prefix>/share/morphaeus and the source tree)");
  }
  std::cout << "# shipped configs in " << root
            << " (morphaeus configs show NAME > my.yaml; --config NAME runs one)\n";
  for (const auto& c : configs) std::cout << fmt::format("{:<20} {}\n", c.name, summary(c.path));
  return 0;
}

int runConfigsShow(const ConfigsOptions& o) {
  const auto c = findShippedConfig(o.show);
  if (!c)
    throw std::runtime_error("no shipped config '" + o.show + "' (morphaeus configs lists them)");
  std::cout << "# morphaeus configs show " << c->name << " (from " << c->path << ")\n"
            << relocatedConfig(readAll(c->path), fs::path(c->path).parent_path().string(),
                               sharedFilesDir());
  return 0;
}

int runConfigsKeys() {
  std::vector<const ComponentSpec*> components;
  for (ComponentKind kind : kComponentKinds) {
    for (const ComponentSpec* spec : Registry::global().list(kind)) components.push_back(spec);
  }
  std::cout << keyReference(experimentSchema(syntheticDataKeys().schema()), components);
  return 0;
}

}  // namespace morphaeus
