// The trainer's `loss` component, every family behind one signature: the pixel losses (upstream
// optim.losses.ln_losses L1 / L2: mean over all elements) see the reconstruction and the target;
// the VAE losses (VAELoss, VAEHigLoss) also score the model's posterior, which the trainer takes
// from the model (Reconstructor::posterior) when the loss asks for it.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <optional>
#include <string>

#include "models/reconstruction.h"

namespace morphaeus {

struct LossInputs {
  torch::Tensor reconstruction, target;
  const Posterior* posterior = nullptr;  // set when the loss has a `posterior` kind
  int64_t step = 1;                      // the 1-based training step (beta-VAE capacity)
};

struct ReconstructionLoss {
  std::string name;  // the class name, for messages
  std::function<torch::Tensor(const LossInputs&)> score;
  std::optional<PosteriorScale> posterior;  // the posterior it scores (VAE losses)
  std::string needs_model;                  // the model that has that posterior (messages)
  bool counts_steps = false;                // reads LossInputs::step (host state per step)

  torch::Tensor operator()(const LossInputs& in) const { return score(in); }
  // For trainers whose models have no posterior: std::logic_error for a VAE loss.
  torch::Tensor operator()(const torch::Tensor& pred, const torch::Tensor& target) const;
};

torch::Tensor l1Loss(const torch::Tensor& pred, const torch::Tensor& target);
torch::Tensor l2Loss(const torch::Tensor& pred, const torch::Tensor& target);

}  // namespace morphaeus
