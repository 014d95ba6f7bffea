// The beta-VAE loss of upstream model_zoo/beta_vae_higgings.py (VAEHigLoss): MSE of the
// reconstruction + a weighted KL term, KL = batch mean of -0.5 sum(1 + logvar - mu^2 - e^logvar),
// with upstream's fixed kld_weight 0.008. Type H: + beta * 0.008 * KL. Type B (Burgess et al.):
// + gamma * 0.008 * |KL - C| with the capacity C = min(max_capacity * it / 1e5, max_capacity),
// `it` counting the training steps (upstream counts every call, validation batches included; we
// count training steps, so the schedule does not depend on the validation split's size).
#pragma once

#include <torch/torch.h>

#include <string>

namespace morphaeus {

struct BetaVaeLossOptions {
  double beta = 4, gamma = 10, max_capacity = 25;
  std::string loss_type = "B";  // "H" or "B"
  double capacity_iterations = 1e5;
};

// iteration: the 1-based training step whose loss this is (sets C for type B).
torch::Tensor betaVaeLoss(const torch::Tensor& reconstruction, const torch::Tensor& x,
                          const torch::Tensor& mu, const torch::Tensor& logvar,
                          const BetaVaeLossOptions& options, int64_t iteration);

}  // namespace morphaeus
