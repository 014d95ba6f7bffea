#include "core/checkpoint/pretrained.h"

#include <filesystem>
#include <set>

#include "core/checkpoint/checkpoint.h"
#include "core/checkpoint/checkpoint_error.h"
#include "core/checkpoint/state_dict.h"

namespace morphaeus {

void loadPretrained(torch::nn::Module& module, const std::string& path,
                    const std::string& missing_hint) {
  if (!std::filesystem::exists(path)) throw CheckpointError(path, "not found: " + missing_hint);
  const Checkpoint file = readCheckpoint(path);
  std::set<std::string> present;
  for (const auto& [name, t] : file.model_weights) present.insert(name);
  for (const auto& [name, t] : stateDict(module)) {
    if (present.count(name) == 0)
      throw CheckpointError(path, "no tensor " + name + " (" + missing_hint + ")");
  }
  loadStateDict(module, file.model_weights, path, /*strict=*/false);
  module.eval();
  for (auto& p : module.parameters()) p.set_requires_grad(false);
}

}  // namespace morphaeus
