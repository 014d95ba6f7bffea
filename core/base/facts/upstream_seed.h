// The seed of upstream's runs (iml-dl's core/Main.py: `seed: 2109` in every published config),
// written once: the default of the config's `seed` key (core/config/experiment_schema.cpp) and of
// every options struct that draws random numbers. Header-only and free of dependencies, so every
// floor may include it (the interface library morphaeus_facts).
#pragma once

#include <cstdint>

namespace morphaeus {

/// the run's seed when a config or command line gives none
inline constexpr std::uint64_t kUpstreamSeed = 2109;

}  // namespace morphaeus
