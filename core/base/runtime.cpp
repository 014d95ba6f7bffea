#include "core/base/runtime.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>
#include <torch/version.h>

#include "core/base/cpu_budget.h"
#include "core/base/facts/upstream_seed.h"
#include "core/base/version.h"

namespace morphaeus {

ThreadChoice configureThreads(int requested) {
  const CpuBudget& budget = processCpuBudget();
  ThreadChoice c{budget.cpus, budget.source};
  if (requested > 0) {
    if (requested > budget.cpus) {
      spdlog::warn("{} threads requested, more than the {} CPU(s) this process may use ({})",
                   requested, budget.cpus, budget.source);
    }
    c = {requested, "as requested"};
  }
  torch::set_num_threads(c.threads);
  c.threads = torch::get_num_threads();
  return c;
}

std::mt19937_64& hostRng() {
  static std::mt19937_64 rng(kUpstreamSeed);
  return rng;
}

void seedEverything(std::int64_t seed) {
  torch::manual_seed(static_cast<std::uint64_t>(seed));
  hostRng().seed(static_cast<std::uint64_t>(seed));
}

void setDeterministic(bool on) {
  at::globalContext().setDeterministicAlgorithms(on, false);
  at::globalContext().setDeterministicCuDNN(on);
  at::globalContext().setBenchmarkCuDNN(!on);
}

std::string resolveDevice(const std::string& requested) {
  const bool cuda = torch::cuda::is_available();
  if (requested == "cpu") return "cpu";
  if (requested == "auto") return cuda ? "cuda" : "cpu";
  if (!cuda) {
    spdlog::warn("device '{}' requested but CUDA is not available: running on CPU", requested);
    return "cpu";
  }
  return "cuda";
}

std::string torchVersion() {
  return TORCH_VERSION;
}

std::string versionString() {
  return std::string("morphaeus ") + kMorphaeusVersion + " (git " + kMorphaeusGitHash +
         ") LibTorch " + torchVersion();
}

}  // namespace morphaeus
