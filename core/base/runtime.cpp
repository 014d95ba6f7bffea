#include "core/base/runtime.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <thread>

#include "core/base/version.h"

namespace morphaeus {

int configureThreads(int requested) {
  int n = requested > 0 ? requested : static_cast<int>(std::thread::hardware_concurrency());
  if (n <= 0) n = 1;
  torch::set_num_threads(n);
  return torch::get_num_threads();
}

std::mt19937_64& hostRng() {
  static std::mt19937_64 rng(2109);
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
