// The morphaeus executable: one entry point for training, evaluation and the tools.
// Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.
#include <c10/util/Exception.h>

#include <iostream>
#include <string>
#include <vector>

#include "core/app/cli.h"
#include "core/app/cli_docs.h"
#include "core/app/runner.h"
#include "core/base/cpu_budget.h"
#include "core/base/environment_error.h"
#include "core/base/logging.h"
#include "core/base/memory_reuse.h"
#include "core/base/runtime.h"
#include "core/commands/subcommands.h"
#include "core/config/config_error.h"
#include "core/config/error_context.h"
#include "core/distributed/process_group.h"

namespace {

// "[rank N] " in multi-process runs, so that each process's last words say whose they are.
std::string rankPrefix() {
  const auto* g = morphaeus::ProcessGroup::current();
  return g ? "[rank " + std::to_string(g->rank()) + "] " : std::string();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace morphaeus;
  reuseFreedMemory();
  RunOptions options;
  CLI::App app{"MorphAEus-cpp: deformable autoencoders for unsupervised anomaly detection"};
  app.set_version_flag("--version", [] { return versionString(); });
  addRunOptions(app, options);
  const std::vector<Subcommand> subcommands = addSubcommands(app);
  CliDocsOptions docs;
  addCliDocsOptions(app, docs);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  try {
    setupConsoleLogging(options.log_level);
    // The variables that set the threads, checked before any command runs (exit code 2).
    processCpuBudget();
    // Each command names itself in front of an error that does not say what it was doing.
    const auto command = [](const std::string& name, auto run) { return inContext(name, run); };
    if (docs.requested()) return command("morphaeus", [&] { return writeCliDocs(app, docs); });
    for (const Subcommand& sub : subcommands)
      if (sub.parsed()) return command(sub.name, sub.run);
    const std::string source = options.config.empty() ? "the embedded demo" : options.config;
    return command("running " + source, [&] { return runExperiment(options); });
  } catch (const ConfigErrors& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const EnvironmentError& e) {
    std::cerr << rankPrefix() << "error: " << e.what() << "\n";
    return 2;
  } catch (const c10::Error& e) {  // none should get here unwrapped; never with a backtrace
    std::cerr << rankPrefix() << "error: " << e.what_without_backtrace() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << rankPrefix() << "error: " << e.what() << "\n";
    return 1;
  }
}
