// Helpers for end-to-end tests: run the real executable, make temporary folders and files.
#pragma once

#include <functional>
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

// --set overrides that shrink the embedded demo for end-to-end runs: n_train training images,
// 4 validation images, n_test normal and n_test abnormal test images of 64 px, the given
// training batch size, on the CPU.
std::string tinyDemoArgs(int n_train, int n_test, int batch);

// Starts morphaeus with `args` in `dir` in the background (environment assignments `env` first,
// shell syntax); writes <dir>/<tag>pid, then <tag>rc with the exit code, output to
// <tag>bg.out/.err. Returns the pid.
std::string startInBackground(const std::string& dir, const std::string& args,
                              const std::string& env = "", const std::string& tag = "");
// Polls `cond` every 20 ms for up to `seconds`.
bool waitFor(const std::function<bool()>& cond, int seconds);

}  // namespace morphaeus::test
