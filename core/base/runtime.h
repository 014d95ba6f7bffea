// Process-wide runtime set-up: threads, seeds, determinism, device, version strings.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace morphaeus {

struct ThreadChoice {
  int threads = 1;
  std::string reason;  // "as requested", or the CPU budget's source (cpu_budget.h)
};
// Sets LibTorch's intra-op threads: `requested` (> 0), with a warning naming both numbers when it
// is more than the CPUs this process may use; 0: all that it may use (cpuBudget). Throws
// EnvironmentError for a malformed OMP_NUM_THREADS or SLURM variable.
ThreadChoice configureThreads(int requested);
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
