// Runs one experiment as the command line asked: dry run, or train/test in a run directory.
#pragma once

#include "core/experiment/run_options.h"

namespace morphaeus {

// Returns the process exit code; throws ConfigError(s) for configuration problems.
int runExperiment(const RunOptions& options);

}  // namespace morphaeus
