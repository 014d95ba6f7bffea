// Every command line that README.md and the guides in docs/ show inside a code block runs:
//   - a concrete run (`morphaeus --config FILE ...`, also the command after `launch --`,
//     `torchrun ... --no-python` or `srun`) with --dry-run, from the source tree; a transcript
//     (`$ morphaeus ...` and its output) must print the lines shown;
//   - a synopsis or a line with placeholders (C.yaml, DIR, N, `[...]`), and every subcommand
//     line, against its command's --help: every option the line names must be one that
//     command has.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace morphaeus::test {
namespace {
namespace fs = std::filesystem;

struct ShownCommand {
  std::string where;  // file:line
  std::string text;   // from "morphaeus" on, continuation lines joined, comment removed
  // A transcript ("$ morphaeus ..." and what it printed): the lines shown after it.
  bool transcript = false;
  std::vector<std::string> printed;
};

// The `morphaeus ...` lines inside ``` blocks; a line ending in `\` or followed by an indented
// `[` or `--` line continues.
std::vector<ShownCommand> shownCommands(const fs::path& file) {
  std::vector<ShownCommand> out;
  std::ifstream in(file);
  bool fence = false, continues = false, in_command = false;
  int n = 0;
  const std::regex start(R"(^(morphaeus(?:\s.*)?)$)");
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (line.rfind("```", 0) == 0) {
      fence = !fence;
      continues = in_command = false;
      continue;
    }
    if (!fence) continue;
    if (!out.empty() && out.back().transcript && in_command && line.rfind("$ ", 0) != 0) {
      out.back().printed.push_back(line);  // a transcript's output, verbatim
      continue;
    }
    if (const auto hash = line.find(" #"); hash != std::string::npos) line.resize(hash);
    const bool more = !line.empty() && line.back() == '\\';
    if (more) line.pop_back();
    const auto first = line.find_first_not_of(' ');
    const bool indented_part = first != std::string::npos && first > 0 &&
                               (line[first] == '[' || line.compare(first, 2, "--") == 0);
    const auto at = line.rfind("morphaeus", 0) == 0 ? 0 : line.find(" morphaeus ");
    std::smatch m;
    const std::string from = at == std::string::npos ? "" : line.substr(at == 0 ? 0 : at + 1);
    if (in_command && (continues || indented_part) && at != 0 && first != std::string::npos) {
      out.back().text += " " + line.substr(first);
    } else if (at != std::string::npos && std::regex_search(from, m, start)) {
      out.push_back({file.filename().string() + ":" + std::to_string(n),
                     m[1],
                     line.rfind("$ morphaeus", 0) == 0,
                     {}});
      in_command = true;
    } else {
      in_command = false;
    }
    continues = more;
  }
  for (auto& c : out) {
    while (!c.text.empty() && c.text.back() == ' ') c.text.pop_back();
    if (const auto redirect = c.text.find(" > "); redirect != std::string::npos)
      c.text.resize(redirect);
  }
  return out;
}

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> w;
  std::istringstream s(text);
  for (std::string t; s >> t;) w.push_back(t);
  return w;
}

// Placeholders: FILE, DIR, N, C.yaml, W.pt, $NODE, COMMAND..., and synopsis brackets or bars.
bool isSynopsis(const std::vector<std::string>& w) {
  const std::regex placeholder(R"(^\$?[A-Z][A-Z_]*(\.\.\.)?$|^[A-Z]\.(yaml|pt)$)");
  return std::any_of(w.begin(), w.end(), [&](const std::string& t) {
    return std::regex_match(t, placeholder) || t.find('[') != std::string::npos ||
           t.find('|') != std::string::npos;
  });
}

// The options a line names: --name, from "[--name", "--name=value", "--name]...".
std::vector<std::string> optionsNamed(const std::vector<std::string>& w) {
  std::vector<std::string> opts;
  const std::regex option(R"(^\[?(--[a-z][a-z0-9-]*))");
  for (const auto& t : w) {
    std::smatch m;
    if (std::regex_search(t, m, option)) opts.push_back(m[1]);
  }
  return opts;
}

const std::vector<std::string>& subcommands() {
  static const std::vector<std::string> s = {"bench",     "synth",   "prepare", "infer",
                                             "reproduce", "configs", "launch"};
  return s;
}

void checkAgainstHelp(const ShownCommand& c, const std::vector<std::string>& w) {
  std::string command;  // the subcommand path: "", "launch", "prepare rsna", ...
  for (std::size_t i = 1; i < w.size() && w[i][0] != '-' && w[i][0] != '['; ++i) {
    if (command.empty() &&
        std::find(subcommands().begin(), subcommands().end(), w[i]) == subcommands().end())
      break;
    if (!command.empty() && w[i].find('/') != std::string::npos) break;  // an argument
    command += (command.empty() ? "" : " ") + w[i];
    if (command != "prepare" && command != "configs") break;
  }
  const CommandResult help = runMorphaeus(command + " --help");
  ASSERT_EQ(help.exit_code, 0) << c.where << ": morphaeus " << command << " --help\n" << help.err;
  for (const auto& opt : optionsNamed(w)) {
    EXPECT_NE(help.out.find(opt), std::string::npos)
        << c.where << ": `" << c.text << "` names " << opt << ", which `morphaeus " << command
        << " --help` does not list";
  }
}

TEST(Guides, EveryCommandLineRuns) {
  std::vector<fs::path> files = {sourcePath("README.md")};
  for (const auto& e : fs::directory_iterator(sourcePath("docs")))
    if (e.path().extension() == ".md") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  int dry_runs = 0, helps = 0;
  for (const auto& file : files) {
    for (const ShownCommand& c : shownCommands(file)) {
      std::string text = c.text;
      std::vector<std::string> w = words(text);
      // launch: its own options against its help, then the command after "--".
      if (w.size() > 1 && w[1] == "launch") {
        const auto dashes = std::find(w.begin(), w.end(), "--");
        checkAgainstHelp(c, {w.begin(), dashes});
        ++helps;
        if (dashes == w.end() || dashes + 1 == w.end()) continue;
        w.assign(dashes + 1, w.end());
        text.clear();
        for (const auto& t : w) text += (text.empty() ? "" : " ") + t;
      }
      if (w.empty() || w[0] != "morphaeus") continue;  // "-- COMMAND..."
      const bool subcommand = w.size() > 1 && std::find(subcommands().begin(), subcommands().end(),
                                                        w[1]) != subcommands().end();
      if (subcommand || isSynopsis(w) || text.find("--help") != std::string::npos ||
          text.find("--version") != std::string::npos) {
        checkAgainstHelp(c, w);
        ++helps;
        continue;
      }
      std::string args = text.substr(std::string("morphaeus").size());
      if (args.find("--dry-run") == std::string::npos) args += " --dry-run";
      const CommandResult r =
          runCommand("cd '" + sourcePath("") + "' && '" + MORPHAEUS_EXE + "'" + args);
      ++dry_runs;
      if (!c.printed.empty()) {  // a transcript prints what the guide shows
        for (const auto& line : c.printed)
          EXPECT_NE((r.out + r.err).find(line), std::string::npos)
              << c.where << ": morphaeus" << args << " did not print\n"
              << line << "\nbut\n"
              << r.out << r.err;
        continue;
      }
      EXPECT_EQ(r.exit_code, 0) << c.where << ": morphaeus" << args << "\n" << r.err;
    }
  }
  std::printf("guides: %d command lines dry-run, %d checked against --help\n", dry_runs, helps);
  EXPECT_GE(dry_runs, 3);
  EXPECT_GE(helps, 10);
}

}  // namespace
}  // namespace morphaeus::test
