// A human-readable account of what an experiment would build and run (for --dry-run and logs).
#pragma once

#include <string>

#include "core/experiment/experiment.h"

namespace morphaeus {

std::string describePlan(const Experiment& experiment);

}  // namespace morphaeus
