// The command line as plain data: every command (the program, its subcommands and theirs), its
// options with their names, value type, choices and help text, read from the CLI11 definition
// itself. The man page and the bash completion are written from it, so they say what --help says.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace morphaeus {

struct OptionOutline {
  std::vector<std::string> names;    // "-c", "--config"; empty for a positional
  std::string positional;            // "name" for a positional argument
  std::string value;                 // "TEXT", "INT", ...; empty for a flag
  std::vector<std::string> choices;  // the values of a CLI::IsMember check
  std::string description;
  std::string group;  // "Options", "Positionals", or the option's own group
  bool required = false;
  bool repeats = false;  // takes several values
  bool help = false;     // -h, --help
};

struct CommandOutline {
  std::vector<std::string> path;  // {} for the program, {"prepare", "covid"}
  std::string description;
  std::vector<OptionOutline> options;
  std::vector<CommandOutline> subcommands;
  bool needs_subcommand = false;  // prepare: one of its subcommands must follow
  std::string pathText(const std::string& program) const;  // "morphaeus prepare covid"
};

// Hidden options and subcommands (CLI11 group "") are left out.
CommandOutline outlineOf(const CLI::App& app);

}  // namespace morphaeus
