#include "tests/test_support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace morphaeus::test {
namespace fs = std::filesystem;

namespace {
struct TempDirs {
  std::vector<fs::path> dirs;
  ~TempDirs() {
    std::error_code ec;
    for (const auto& d : dirs) fs::remove_all(d, ec);
  }
};
TempDirs& tempDirs() {
  static TempDirs t;
  return t;
}
}  // namespace

std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json readJson(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

void writeText(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string makeTempDir(const std::string& tag) {
  std::random_device rd;
  fs::path dir = fs::temp_directory_path() / ("morphaeus-test-" + tag + "-" + std::to_string(rd()));
  fs::create_directories(dir);
  tempDirs().dirs.push_back(dir);
  return dir.string();
}

CommandResult runCommand(const std::string& command) {
  const std::string dir = makeTempDir("cmd");
  const std::string out = dir + "/stdout", err = dir + "/stderr";
  const std::string full = command + " >" + out + " 2>" + err + " </dev/null";
  const int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = readText(out);
  r.err = readText(err);
  return r;
}

CommandResult runMorphaeus(const std::string& args) {
  return runCommand(std::string("'") + MORPHAEUS_EXE + "' " + args);
}

CommandResult runMorphaeusIn(const std::string& dir, const std::string& args) {
  return runCommand("cd " + dir + " && '" + MORPHAEUS_EXE + "' " + args);
}

std::string sourcePath(const std::string& relative) {
  return (fs::path(MORPHAEUS_SOURCE_DIR) / relative).string();
}

std::string tinyDemoArgs(int n_train, int n_test, int batch) {
  const std::string t = std::to_string(n_test);
  return " --device cpu --set synthetic_data.n_train=" + std::to_string(n_train) +
         " --set synthetic_data.n_val=4 --set synthetic_data.n_test=" + t + " --set synthetic_data.n_abnormal=" + t +
         " --set synthetic_data.size=64 --set trainer.data_loader.params.args.batch_size=" + std::to_string(batch);
}

std::string startInBackground(const std::string& dir, const std::string& args,
                              const std::string& env, const std::string& tag) {
  const std::string cmd = "cd " + dir + " && (" + env + " '" + MORPHAEUS_EXE + "' " + args + " >" +
                          tag + "bg.out 2>" + tag + "bg.err & pid=$!; echo $pid > " + tag +
                          "pid; wait $pid; echo $? > " + tag + "rc) >/dev/null 2>&1 &";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  const std::string pid = dir + "/" + tag + "pid";
  waitFor([&] { return std::filesystem::exists(pid) && !readText(pid).empty(); }, 10);
  return readText(pid);
}

RenderedPage renderInBrowser(const std::string& html_path, int height) {
  RenderedPage page;
  if (!fs::exists("/usr/bin/chromium")) {
    page.problems.push_back("no /usr/bin/chromium: scripts/setup.sh installs Debian's chromium");
    return page;
  }
  const std::string profile = makeTempDir("chromium");
  page.screenshot = profile + "/page.png";
  const std::string url = "file://" + fs::absolute(html_path).string();
  const std::string browser =
      "/usr/bin/chromium --headless --no-sandbox --disable-gpu "
      "--disable-dev-shm-usage --hide-scrollbars --user-data-dir=" +
      profile + " --virtual-time-budget=10000 ";
  const CommandResult dom = runCommand(browser + "--dump-dom '" + url + "'");
  page.dom = dom.out;
  if (dom.exit_code != 0) page.problems.push_back("chromium --dump-dom failed: " + dom.err);
  const CommandResult shot = runCommand(browser + "--window-size=1300," + std::to_string(height) +
                                        " --screenshot=" + page.screenshot + " '" + url + "'");
  if (shot.exit_code != 0 || !fs::exists(page.screenshot))
    page.problems.push_back("chromium --screenshot failed: " + shot.err);
  const auto attribute = [&](const std::string& name) -> std::optional<std::string> {
    const std::string key = name + "=\"";
    const auto at = page.dom.find(key);
    if (at == std::string::npos) return std::nullopt;
    const auto end = page.dom.find('"', at + key.size());
    return page.dom.substr(at + key.size(), end - at - key.size());
  };
  if (attribute("data-loaded") != std::optional<std::string>("yes"))
    page.problems.push_back("the page did not finish loading");
  if (const auto images = attribute("data-images")) {
    const auto slash = images->find('/');
    if (slash == std::string::npos || images->substr(0, slash) != images->substr(slash + 1))
      page.problems.push_back("images drawn: " + *images +
                              ", broken: " + attribute("data-broken").value_or(""));
  }
  if (const auto errors = attribute("data-errors"); errors && !errors->empty())
    page.problems.push_back("script errors: " + *errors);
  // Every local src/href of the page exists beside it.
  const std::string html = readText(html_path);
  for (const std::string key : {"src=\"", "href=\""}) {
    for (std::size_t at = html.find(key); at != std::string::npos; at = html.find(key, at + 1)) {
      const auto start = at + key.size();
      const std::string ref = html.substr(start, html.find('"', start) - start);
      if (ref.rfind("http", 0) == 0 || ref.empty() || ref[0] == '#') continue;
      if (!fs::exists(fs::path(html_path).parent_path() / ref))
        page.problems.push_back("referenced but missing: " + ref);
    }
  }
  return page;
}

bool waitFor(const std::function<bool()>& cond, int seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

namespace {

// gtest skips every test of a suite whose SetUpTestSuite failed (a PyTorch reference that could
// not be made), and ctest counts skipped tests as passing runs: each such test fails here instead,
// pointing at the set-up's message printed above it. gtest still announces the skipped tests to
// its listeners, with the suite's failed set-up on record.
class SuiteSetUpFailuresFail : public ::testing::EmptyTestEventListener {
  void OnTestStart(const ::testing::TestInfo&) override {
    const ::testing::TestSuite* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
    if (suite != nullptr && suite->ad_hoc_test_result().Failed())
      ADD_FAILURE() << "this suite's SetUpTestSuite failed (its message is above): the test "
                       "cannot run";
  }
};

const bool kSuiteSetUpFailuresFail = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(new SuiteSetUpFailuresFail);
  return true;
}();

}  // namespace

std::string referencePython() {
  const char* python = std::getenv("MORPHAEUS_REFERENCE_PYTHON");
  return python != nullptr && *python != '\0' ? python : "/usr/bin/python3";
}

namespace {

// "python=<path>;torch=<version>;" of the reference Python (asked once per process; Debian's is
// known without asking).
const std::string& referencePythonIdentity() {
  static const std::string identity = [] {
    const std::string python = referencePython();
    std::string version = "debian";
    if (python != "/usr/bin/python3") {
      const CommandResult r =
          runCommand("'" + python + "' -c 'import torch; print(torch.__version__)' 2>/dev/null");
      version = r.out;
    }
    return "python=" + python + ";torch=" + version + ";";
  }();
  return identity;
}

}  // namespace

std::string cachedReference(const std::string& tag, std::string inputs,
                            const std::function<void(const std::string& dir)>& make) {
  // The kernels the reference runs with are ours too: the same environment and Python.
  for (const char* var : {"ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"})
    inputs += std::string(var) + "=" + (std::getenv(var) ? std::getenv(var) : "") + ";";
  inputs += referencePythonIdentity();
  std::uint64_t key = 0xcbf29ce484222325ULL;
  for (const unsigned char c : inputs) key = (key ^ c) * 0x100000001b3ULL;
  // MORPHAEUS_TEST_CACHE: another build's cache (a reference depends on its inputs and Python,
  // both in the key, not on this build's LibTorch; scripts/torch2.sh shares the release build's).
  const char* shared = std::getenv("MORPHAEUS_TEST_CACHE");
  const fs::path root = shared != nullptr && *shared != '\0' ? shared : MORPHAEUS_TEST_CACHE_DIR;
  const fs::path cache = root / (tag + "-" + std::to_string(key));
  if (fs::exists(cache / "done")) return cache.string();
  fs::create_directories(cache.parent_path());
  const std::string lock_path = cache.string() + ".lock";
  struct Lock {  // released with the process, also when it fails
    int fd;
    ~Lock() {
      if (fd >= 0) ::close(fd);
    }
  };
  const Lock lock{::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)};
  if (lock.fd < 0) throw std::runtime_error("cannot open " + lock_path);
  while (::flock(lock.fd, LOCK_EX) != 0) {
    if (errno != EINTR) throw std::runtime_error("cannot lock " + lock_path);
  }
  if (fs::exists(cache / "done")) return cache.string();
  const std::string tmp = cache.string() + ".tmp-" + std::to_string(static_cast<long>(::getpid()));
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp);
  make(tmp);
  writeText(tmp + "/done", "");
  fs::rename(tmp, cache, ec);  // a folder left there without its "done" is not replaced
  if (ec) fs::remove_all(tmp, ec);
  if (!fs::exists(cache / "done")) throw std::runtime_error("cannot make " + cache.string());
  return cache.string();
}

std::string pythonReferenceSources() {
  std::vector<fs::path> scripts;
  for (const auto& entry : fs::directory_iterator(sourcePath("tests/python")))
    if (entry.path().extension() == ".py") scripts.push_back(entry.path());
  std::sort(scripts.begin(), scripts.end());
  std::string text;
  for (const auto& f : scripts) text += f.filename().string() + ":" + readText(f.string());
  return text;
}

std::string cachedPythonReference(const std::string& script) {
  const std::string inputs = script + ";" + pythonReferenceSources();
  return cachedReference(fs::path(script).stem().string(), inputs, [&](const std::string& dir) {
    const CommandResult r = runCommand("'" + referencePython() + "' " +
                                       sourcePath("tests/python/" + script) + " make " + dir);
    if (r.exit_code != 0) throw std::runtime_error(script + " failed: " + r.err);
  });
}

}  // namespace morphaeus::test
