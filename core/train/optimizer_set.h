// A trainer's Adam optimisers, each under its checkpoint key (one 'optimizer_weights' by
// default; the AAE and SI-VAE trainers have several): built over parameter groups, restored from
// a resume checkpoint by the same keys, written into a checkpoint in PyTorch's layout.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/checkpoint/checkpoint.h"
#include "core/train/adam.h"

namespace morphaeus {

class OptimizerSet {
 public:
  using Groups = std::vector<std::pair<std::string, std::vector<torch::Tensor>>>;
  // Replaces the optimisers; with `resume`, each continues from its key's state (a missing key:
  // that optimiser starts afresh, with a log line).
  void reset(Groups groups, const AdamOptions& options, const std::optional<Checkpoint>& resume);
  Adam& at(std::size_t i) { return *optimizers_.at(i).second; }
  const Adam& at(std::size_t i) const { return *optimizers_.at(i).second; }
  void setLearningRate(double lr);
  void makeCapturable();  // CUDA graphs: every optimiser's step on the device
  void writeTo(Checkpoint& checkpoint) const;

 private:
  std::vector<std::pair<std::string, std::unique_ptr<Adam>>> optimizers_;
};

}  // namespace morphaeus
