// Process-wide runtime set-up: threads, seeds, determinism, device, version strings.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace morphaeus {

// Sets LibTorch's intra-op threads (0 = all cores); returns the number in use.
int configureThreads(int requested);
// Seeds torch (CPU and CUDA) and the host generator used for data order.
void seedEverything(std::int64_t seed);
std::mt19937_64& hostRng();
// Deterministic algorithms (bit-reproducible CPU runs; slower cuDNN choices on GPU).
void setDeterministic(bool on);
// "cpu" or "cuda": gpu/cuda fall back to cpu with one warning when CUDA is unavailable,
// auto picks cuda when available.
std::string resolveDevice(const std::string& requested);

std::string torchVersion();
// "morphaeus 0.1.0 (git abc1234) LibTorch 1.13.1"
std::string versionString();

}  // namespace morphaeus
