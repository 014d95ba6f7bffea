// Every subcommand of the executable besides the main run, in one list: its CLI11 definition, the
// name its errors carry and what it runs. A new subcommand is one entry in subcommands.cpp (and
// its source files in this folder's CMakeLists.txt); main.cpp runs whichever was given.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace morphaeus {

struct Subcommand {
  std::string name;              // "morphaeus bench": the context of its errors
  std::function<bool()> parsed;  // given on this command line
  std::function<int()> run;      // its exit code
};

// Adds every subcommand to `app` (in the order `--help` lists them); the options they parse into
// live in the returned entries.
std::vector<Subcommand> addSubcommands(CLI::App& app);

}  // namespace morphaeus
