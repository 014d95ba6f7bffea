// Helpers for end-to-end tests: run the real executable, make temporary folders and files.
#pragma once

#include <string>

namespace morphaeus::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `command` through /bin/sh, capturing stdout and stderr separately.
CommandResult runCommand(const std::string& command);
// Runs the morphaeus executable with `args` (shell syntax).
CommandResult runMorphaeus(const std::string& args);

// A fresh empty folder under the system temp dir, removed at exit of the test process.
std::string makeTempDir(const std::string& tag);
void writeText(const std::string& path, const std::string& text);
std::string readText(const std::string& path);
std::string sourcePath(const std::string& relative);  // path inside the source tree

}  // namespace morphaeus::test
