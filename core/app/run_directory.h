// The per-run output folder: runs/<name>-<timestamp>/ by default, holding config.yaml, run.log,
// checkpoints and reports.
#pragma once

#include <string>

namespace morphaeus {

// Creates (and returns) `requested` when given, else runs/<name>-<YYYYmmdd-HHMMSS>[-N] under the
// working directory. Throws std::runtime_error naming the folder when it cannot be created.
std::string createRunDirectory(const std::string& requested, const std::string& name);

}  // namespace morphaeus
