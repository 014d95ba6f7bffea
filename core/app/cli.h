// The command line: `morphaeus --config FILE [options]` (CLI11).
#pragma once

#include <CLI/CLI.hpp>

#include "core/experiment/run_options.h"

namespace morphaeus {

// Declares the run options on `app`, filling `options` when parsed.
void addRunOptions(CLI::App& app, RunOptions& options);

}  // namespace morphaeus
