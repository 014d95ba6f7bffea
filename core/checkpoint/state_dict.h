// Named tensors of a module (parameters and buffers, upstream state_dict order) and strict loading.
#pragma once

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace morphaeus {

using StateDict = std::vector<std::pair<std::string, torch::Tensor>>;

// Parameters then buffers of each submodule, like PyTorch's state_dict() key set.
StateDict stateDict(const torch::nn::Module& module);

// Copies `weights` into `module`. Every mismatch is collected into one CheckpointError naming
// `source`: missing keys, unexpected keys (both allowed when strict is false) and shape
// mismatches (never allowed).
void loadStateDict(torch::nn::Module& module, const StateDict& weights, const std::string& source,
                   bool strict = true);

}  // namespace morphaeus
