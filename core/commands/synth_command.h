// `morphaeus synth`: writes the synthetic chest X-ray data set (images, masks, split CSVs).
#pragma once

#include <CLI/CLI.hpp>

#include "data/synthetic/synthetic_cxr.h"

namespace morphaeus {

CLI::App* addSynthCommand(CLI::App& app, SyntheticOptions& options);
int runSynth(const SyntheticOptions& options);

}  // namespace morphaeus
