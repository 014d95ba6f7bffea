// The command line's own documentation as files: `morphaeus --write-man-page FILE` (roff) and
// `morphaeus --write-bash-completion FILE`, both hidden from --help. The build runs them to make
// morphaeus.1 and the completion script that `cmake --install` and the Debian package install.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace morphaeus {

struct CliDocsOptions {
  std::string man_page;
  std::string bash_completion;
  bool requested() const { return !man_page.empty() || !bash_completion.empty(); }
};

void addCliDocsOptions(CLI::App& app, CliDocsOptions& options);

// Writes the files asked for (atomically), from `app` as defined; returns the exit code.
int writeCliDocs(const CLI::App& app, const CliDocsOptions& options);

}  // namespace morphaeus
