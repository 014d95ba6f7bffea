// `morphaeus configs`: the configs shipped with the program (core/base/shared_files.h) -- the
// paper's nine (paper/<method>), their synthetic twins (synthetic/<method>) and the demo -- one
// line each; `morphaeus configs show NAME` prints one, ready to redirect into a file the user
// edits: paths to shipped files (the split CSVs) made absolute, paths of outputs (the synthetic
// data, runs/) made relative to the new file's folder; `morphaeus configs keys` prints the
// reference of every configuration key.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace morphaeus {

struct ConfigsOptions {
  std::string show;  // a config's name: print it
};

struct ConfigsCommands {
  CLI::App* list = nullptr;
  CLI::App* show = nullptr;
  CLI::App* keys = nullptr;
};

ConfigsCommands addConfigsCommand(CLI::App& app, ConfigsOptions& options);
int runConfigsList();
int runConfigsShow(const ConfigsOptions& options);
// `morphaeus configs keys`: every configuration key (the experiment file's and each registered
// component's) with its type, default, range and doc line, as Markdown (docs/CONFIG_KEYS.md).
int runConfigsKeys();

// The text of a shipped config with its relative paths rewritten as above (`root`: the shared
// files' folder, `config_dir`: the config's own folder).
std::string relocatedConfig(const std::string& text, const std::string& config_dir,
                            const std::string& root);

}  // namespace morphaeus
