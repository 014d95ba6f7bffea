// The man page and the bash completion the build writes (core/app/cli_docs.h), checked against
// the program's own --help of every command: CLI11's help text is parsed here, independently of
// the outline the two files are written from. The page renders with man -l and groff without a
// warning and describes every command and option; the completion offers every subcommand, every
// option and every fixed set of values --help lists, and the shipped configs' names.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "tests/test_support.h"

namespace morphaeus::test {
namespace {
namespace fs = std::filesystem;

struct HelpOption {
  std::vector<std::string> names;
  std::vector<std::string> choices;
};
struct Help {
  std::vector<HelpOption> options;
  std::vector<std::string> subcommands;
};

std::string joinedPath(const std::vector<std::string>& path) {
  std::string s;
  for (const auto& p : path) s += " " + p;
  return s;
}

// CLI11's help: sections headed "Options:", "Subcommands:", "<group>:"; an option line starts
// with two spaces and its names ("-c,--config"), then its type ("TEXT:{train,test}").
Help helpOf(const std::vector<std::string>& path) {
  CommandResult r = runMorphaeus(joinedPath(path) + " --help");
  EXPECT_EQ(r.exit_code, 0) << joinedPath(path) << r.err;
  Help h;
  std::istringstream lines(r.out);
  std::string section;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line[0] != ' ' && line.back() == ':') section = line;
    if (line.rfind("  ", 0) != 0 || line.size() < 3 || line[2] == ' ') continue;
    std::istringstream words(line);
    std::string first, second;
    words >> first >> second;
    if (section == "Subcommands:") {
      h.subcommands.push_back(first);
    } else if (first[0] == '-') {
      HelpOption o;
      first = first.substr(0, first.find('{'));  // "--no-roofline{false}"
      for (std::size_t b = 0, e; b < first.size(); b = e + 1) {
        e = std::min(first.find(',', b), first.size());
        o.names.push_back(first.substr(b, e - b));
      }
      static const std::regex choices(R"(^[A-Z]+:\{(.*)\}$)");
      std::smatch m;
      if (std::regex_match(second, m, choices)) {
        std::string list = m[1].str();
        for (std::size_t b = 0, e; b <= list.size(); b = e + 1) {
          e = std::min(list.find(',', b), list.size());
          o.choices.push_back(list.substr(b, e - b));
        }
      }
      h.options.push_back(o);
    }
  }
  return h;
}

// Every command path and its help, the program first.
std::map<std::vector<std::string>, Help> allHelp() {
  std::map<std::vector<std::string>, Help> all;
  std::vector<std::vector<std::string>> todo{{}};
  while (!todo.empty()) {
    const auto path = todo.back();
    todo.pop_back();
    all[path] = helpOf(path);
    for (const auto& s : all[path].subcommands) {
      auto sub = path;
      sub.push_back(s);
      todo.push_back(sub);
    }
  }
  return all;
}

std::string builtFile(const std::string& relative) {
  return (fs::path(MORPHAEUS_EXE).parent_path() / relative).string();
}

// The token `word` standing alone (not the start of a longer option name).
bool hasWord(const std::string& text, const std::string& word) {
  for (std::size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    const char after = at + word.size() < text.size() ? text[at + word.size()] : ' ';
    const char before = at > 0 ? text[at - 1] : ' ';
    if (!std::isalnum(static_cast<unsigned char>(after)) && after != '-' && after != '_' &&
        (before == ' ' || before == ',' || before == '\n'))
      return true;
  }
  return false;
}

std::set<std::string> wordSet(const std::string& line) {
  std::istringstream in(line);
  std::set<std::string> s;
  for (std::string w; in >> w;) s.insert(w);
  return s;
}

TEST(CliDocs, TheManPageRendersAndDescribesEveryCommandAndOption) {
  const std::string page = builtFile("share/man/man1/morphaeus.1");
  ASSERT_TRUE(fs::exists(page)) << page;
  ASSERT_TRUE(fs::exists(page + ".gz"));
  CommandResult groff = runCommand("groff -man -Tutf8 -ww -z '" + page + "'");
  EXPECT_EQ(groff.exit_code, 0);
  EXPECT_EQ(groff.err, "") << "groff warnings";
  CommandResult gz = runCommand("(zcat '" + page + ".gz' | cmp - '" + page + "')");
  EXPECT_EQ(gz.exit_code, 0) << "morphaeus.1.gz is not morphaeus.1";

  // The build's page is the one the program writes now (the date line aside).
  const std::string d = makeTempDir("man");
  CommandResult fresh = runMorphaeus("--write-man-page " + d + "/m.1");
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  const auto withoutDate = [](std::string text) { return text.substr(text.find("\n.SH NAME")); };
  EXPECT_EQ(withoutDate(readText(d + "/m.1")), withoutDate(readText(page)));

  CommandResult man =
      runCommand("LC_ALL=C.UTF-8 MANWIDTH=250 MANPAGER=cat man -l '" + page + ".gz'");
  ASSERT_EQ(man.exit_code, 0) << man.err;
  EXPECT_EQ(man.err, "");
  std::string text = std::regex_replace(man.out, std::regex("\xE2\x80\x90|\xE2\x88\x92"), "-");
  for (const char* heading : {"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS",
                              "SHIPPED CONFIGS", "FILES", "ENVIRONMENT", "EXIT STATUS", "EXAMPLES"})
    EXPECT_NE(text.find("\n" + std::string(heading) + "\n"), std::string::npos) << heading;

  // Each command's part: from its heading line to the next command's (or the next section).
  const auto part = [&](const std::vector<std::string>& path) -> std::string {
    const std::string heading =
        path.empty() ? "\nOPTIONS\n" : "\n   morphaeus" + joinedPath(path) + "\n";
    const std::size_t begin = text.find(heading);
    if (begin == std::string::npos) return {};
    std::size_t end = text.size();
    for (const char* next : {"\n   morphaeus ", "\nCOMMANDS\n", "\nSHIPPED CONFIGS\n"})
      end = std::min(end, text.find(next, begin + heading.size()) == std::string::npos
                              ? end
                              : text.find(next, begin + heading.size()));
    return text.substr(begin, end - begin);
  };
  int checked = 0;
  for (const auto& [path, help] : allHelp()) {
    const std::string section = part(path);
    ASSERT_FALSE(section.empty()) << "no part for morphaeus" << joinedPath(path);
    for (const auto& o : help.options) {
      if (!path.empty() && o.names.back() == "--help") continue;  // said once, at the top
      for (const auto& n : o.names) {
        EXPECT_TRUE(hasWord(section, n)) << "morphaeus" << joinedPath(path) << " " << n;
        ++checked;
      }
      for (const auto& c : o.choices)
        EXPECT_NE(section.find(c), std::string::npos) << joinedPath(path) << " " << c;
    }
    if (path.empty()) continue;  // the program's subcommands have their own parts (above)
    for (const auto& s : help.subcommands)
      EXPECT_TRUE(hasWord(section, s)) << "morphaeus" << joinedPath(path) << " lacks " << s;
  }
  EXPECT_GT(checked, 80);
  EXPECT_NE(text.find("paper/morphaeus"), std::string::npos);
  EXPECT_EQ(runMorphaeus("--help").out.find("write-man-page"), std::string::npos) << "hidden";
}

TEST(CliDocs, TheCompletionOffersWhatHelpLists) {
  const std::string script = builtFile("share/bash-completion/completions/morphaeus");
  ASSERT_TRUE(fs::exists(script));
  const auto all = allHelp();
  // Queries, one per line of output: the words typed so far, the last one under the cursor.
  std::vector<std::pair<std::vector<std::string>, std::set<std::string>>> queries;
  for (const auto& [path, help] : all) {
    std::vector<std::string> words{"morphaeus"};
    words.insert(words.end(), path.begin(), path.end());
    std::set<std::string> names;
    for (const auto& o : help.options) names.insert(o.names.begin(), o.names.end());
    auto dash = words;
    dash.push_back("-");
    queries.push_back({dash, names});
    if (!help.subcommands.empty()) {
      auto blank = words;
      blank.push_back("");
      queries.push_back({blank, {help.subcommands.begin(), help.subcommands.end()}});
    }
    for (const auto& o : help.options) {
      if (o.choices.empty()) continue;
      auto value = words;
      value.push_back(o.names.back());
      value.push_back("");
      queries.push_back({value, {o.choices.begin(), o.choices.end()}});
    }
  }
  queries.push_back({{"morphaeus", "configs", "show", "paper/m"}, {"paper/morphaeus"}});
  queries.push_back({{"morphaeus", "--device", "=", "c"}, {"cpu", "cuda"}});
  queries.push_back({{"morphaeus", "--output", "bench", "--dry"}, {"--dry-run"}});
  queries.push_back({{"morphaeus", "--set", "a", "=", "b", "pre"}, {"prepare"}});

  std::string bash = "source '" + script + "'\n";
  bash +=
      "q() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); "
      "_morphaeus 2>/dev/null; echo \"${COMPREPLY[*]}\"; }\n";
  for (const auto& [words, expected] : queries) {
    bash += "q";
    for (const auto& w : words) bash += " '" + w + "'";
    bash += "\n";
  }
  const std::string d = makeTempDir("completion");
  writeText(d + "/q.sh", bash);
  CommandResult r = runCommand("cd " + d + " && bash --norc q.sh");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::istringstream lines(r.out);
  for (const auto& [words, expected] : queries) {
    std::string line;
    ASSERT_TRUE(std::getline(lines, line));
    std::string typed;
    for (const auto& w : words) typed += w + " ";
    EXPECT_EQ(wordSet(line), expected) << "completing: " << typed;
  }
  // The shipped configs after --config: the paper's and the twins, and files too.
  writeText(d + "/synthetic-mine.yaml", "");
  writeText(d + "/q2.sh", "source '" + script +
                              "'\nCOMP_WORDS=(morphaeus --config synthetic); "
                              "COMP_CWORD=2; _morphaeus 2>/dev/null; echo \"${COMPREPLY[*]}\"\n");
  CommandResult configs = runCommand("cd " + d + " && bash --norc q2.sh");
  const auto offered = wordSet(configs.out);
  for (const char* c : {"synthetic/vae", "synthetic/morphaeus", "synthetic-mine.yaml"})
    EXPECT_EQ(offered.count(c), 1u) << c << ": " << configs.out;
}

TEST(CliDocs, AFileThatCannotBeWrittenIsAOneLineError) {
  CommandResult r = runMorphaeus("--write-man-page /nonexistent-morphaeus-dir/morphaeus.1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent-morphaeus-dir/morphaeus.1"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace morphaeus::test

namespace morphaeus::test {
namespace {

// The section of the key reference for one component ("### `module/class`" to the next one),
// found by its name or one of its other names.
std::string sectionOf(const std::string& page, const std::string& component) {
  std::size_t at = page.find("### `" + component + "`");
  if (at == std::string::npos) {
    const std::size_t alias = page.find("Also named `" + component + "`.");
    if (alias == std::string::npos) return "";
    at = page.rfind("### ", alias);
  }
  return page.substr(at, page.find("\n### ", at + 1) - at);
}

// docs/CONFIG_KEYS.md is what `morphaeus configs keys` prints, and every params key of the
// model, trainer and loss of each shipped config (read here by the YAML parser, not through the
// schemas) is in its component's table.
TEST(ConfigKeys, TheDocsPageIsTheProgramsOwnReferenceAndCoversTheShippedConfigs) {
  const CommandResult r = runMorphaeus("configs keys");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, readText(sourcePath("docs/CONFIG_KEYS.md")))
      << "docs/CONFIG_KEYS.md is stale: regenerate it with "
         "`build/release/morphaeus configs keys > docs/CONFIG_KEYS.md`";
  int keys = 0;
  for (const auto& entry : fs::directory_iterator(sourcePath("projects/morphaeus/configs/cxr"))) {
    const YAML::Node config = YAML::LoadFile(entry.path().string());
    for (const char* block : {"model", "trainer"}) {
      std::vector<YAML::Node> chosen = {config[block]};
      if (std::string(block) == "trainer") chosen.push_back(config[block]["params"]["loss"]);
      for (const YAML::Node& node : chosen) {
        const std::string component =
            node["module_name"].as<std::string>() + "/" + node["class_name"].as<std::string>();
        const std::string section = sectionOf(r.out, component);
        ASSERT_FALSE(section.empty()) << component << " has no section";
        if (!node["params"] || !node["params"].IsMap()) continue;
        for (const auto& kv : node["params"]) {
          ++keys;
          const std::string key = kv.first.as<std::string>();
          EXPECT_NE(section.find("| `" + key + "` |"), std::string::npos)
              << entry.path().filename().string() << ": " << component << "'s " << key;
        }
      }
    }
  }
  EXPECT_GT(keys, 80);
}

}  // namespace
}  // namespace morphaeus::test
