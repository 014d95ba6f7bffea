// One run of a sweep (`reproduce`, `reproduce --figure`): this executable started as a child
// process, a stop signal forwarded to it, and the marker that says a run finished.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace morphaeus {

// Runs this executable with `args` (args[0] is the program name). Returns its exit code (128 +
// the signal when it was killed).
int runChild(const std::vector<std::string>& args);

// <run>/reproduce.json: written atomically when a run finished; a run with it is skipped.
std::string finishedMarker(const std::string& run_dir);
void markFinished(const std::string& run_dir, const nlohmann::json& what);

}  // namespace morphaeus
