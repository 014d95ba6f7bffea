// The plain reconstruction trainer (upstream projects/23_morphaeus/Trainer.py, PTrainer) of the
// baselines AE-S, AE-D, VAE, beta-VAE and MorphAEus-woPLM: loss = the configured criterion of
// reconstruction against input (L1/L2; VAELoss for the VAE, VAEHigLoss for the beta-VAE: they
// also score the posterior) + alfa * the perceptual loss when alfa > 0. With a `transformer`
// (the DAE's GaussianNoise) the model sees noisy training images and reconstructs the clean ones.
// Validation (eval mode) uses the same criterion -- upstream reads a validation key that is never
// set and crashes at its first validation (METHOD.md section 7).
#pragma once

#include <memory>
#include <optional>

#include "core/losses/beta_vae_loss.h"
#include "core/losses/perceptual_loss.h"
#include "core/losses/vae_loss.h"
#include "core/train/trainer.h"
#include "data/coarse_noise.h"

namespace morphaeus {

class ReconstructionTrainer : public Trainer {
 public:
  explicit ReconstructionTrainer(TrainerSetup setup);

 protected:
  NamedLosses trainLosses(const torch::Tensor& images, int64_t epoch) override;
  // The beta-VAE's annealing counts steps on the host; the DAE's noise is drawn per step.
  bool supportsCudaGraph() const override { return !beta_loss_ && !noise_; }
  NamedLosses validationLosses(const torch::Tensor& images) override;

 private:
  // The reconstruction of one forward pass and its criterion value.
  // `training`: a training step (advances the beta-VAE's capacity schedule).
  // input: what the model sees (the DAE's noisy images in training), x: the target.
  std::pair<torch::Tensor, torch::Tensor> reconstructionLoss(const torch::Tensor& input,
                                                             const torch::Tensor& x, bool training);
  std::optional<CoarseNoiseOptions> noise_;
  std::optional<VaeLossOptions> vae_loss_;
  std::optional<BetaVaeLossOptions> beta_loss_;
  int64_t train_steps_ = 0;
  std::unique_ptr<PerceptualLoss> perceptual_;
  double alfa_;
};

}  // namespace morphaeus
