// Helpers for end-to-end tests: run the real executable, make temporary folders and files.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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
// The same, run from the folder `dir` (relative paths of `args` and the run's outputs there).
CommandResult runMorphaeusIn(const std::string& dir, const std::string& args);

// A fresh empty folder under the system temp dir, removed at exit of the test process.
std::string makeTempDir(const std::string& tag);
void writeText(const std::string& path, const std::string& text);
std::string readText(const std::string& path);
// The JSON document in `path`; std::runtime_error naming the file when it is missing or broken.
nlohmann::json readJson(const std::string& path);
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
// An HTML report opened in headless Chromium (/usr/bin/chromium, scripts/setup.sh installs it):
// the DOM after load (the page's own check marks <body>: core/report/html_page.h), a screenshot
// of the page's top `height` pixels, and every src/href the page references that is not on
// disk beside it. Empty `problems` means: loaded, every image drawn, no script error, nothing
// missing.
struct RenderedPage {
  std::string dom, screenshot;
  std::vector<std::string> problems;
};
RenderedPage renderInBrowser(const std::string& html_path, int height = 3000);

// A reference made once per build tree and shared by the test processes (CTest runs every test in
// its own): <build>/test-cache/<tag>-<key>, the key an FNV-1a hash of `inputs` (the scripts'
// contents and whatever else decides what they write) and of the variables that choose
// LibTorch's kernels. `make` fills a temporary folder that is then renamed into place; one
// process makes it while the others wait for it on a lock. Returns the folder; throws
// std::runtime_error when `make` fails (its message).
std::string cachedReference(const std::string& tag, std::string inputs,
                            const std::function<void(const std::string& dir)>& make);
// The names and contents of every script in tests/python/ (they import each other): what keys
// a cached reference made by one of them.
std::string pythonReferenceSources();
// `cachedReference` of one script run as `<referencePython()> tests/python/<script> make DIR`,
// keyed by pythonReferenceSources().
std::string cachedPythonReference(const std::string& script);
// The Python whose PyTorch makes the references of LibTorch's numerics (the authors' training,
// one-step parity): MORPHAEUS_REFERENCE_PYTHON, default Debian's /usr/bin/python3 (torch 1.13).
// The LibTorch 2.x leg (scripts/torch2.sh) names its wheel's Python, so that the reference and
// this build run the same kernels; a cached reference is keyed by it and its torch version.
std::string referencePython();

// Polls `cond` every 20 ms for up to `seconds`.
bool waitFor(const std::function<bool()>& cond, int seconds);

}  // namespace morphaeus::test
