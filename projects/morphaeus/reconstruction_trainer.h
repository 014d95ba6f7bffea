// The plain reconstruction trainer (upstream projects/23_morphaeus/Trainer.py, PTrainer) of the
// baselines AE-S, AE-D, VAE, beta-VAE and MorphAEus-woPLM: loss = the configured criterion of
// reconstruction against input (L1/L2; VAELoss for the VAE, VAEHigLoss for the beta-VAE: they
// also score the posterior) + alfa * the perceptual loss when alfa > 0. With a `transformer`
// (the DAE's GaussianNoise) the model sees noisy training images and reconstructs the clean ones.
// Validation (eval mode) uses the same criterion -- upstream reads a validation key that is never
// set and crashes at its first validation (docs/METHOD.md section 7).
#pragma once

#include <memory>
#include <optional>

#include "core/losses/perceptual_loss.h"
#include "core/train/trainer.h"
#include "data/coarse_noise.h"
#include "models/reconstruction.h"

namespace morphaeus {

// The trainer keys alfa, vgg_weights and transformer (the DAE's noise).
struct ReconstructionTrainerOptions {
  PerceptualLossOptions perceptual;
  std::optional<CoarseNoiseOptions> noise;
};

class ReconstructionTrainer : public Trainer {
 public:
  // std::invalid_argument for a model that does not reconstruct images, or a VAE loss whose
  // posterior the model does not have.
  ReconstructionTrainer(TrainerSetup setup, const ReconstructionTrainerOptions& options);

 protected:
  NamedLosses trainLosses(const torch::Tensor& images, int64_t epoch) override;
  // The beta-VAE's annealing counts steps on the host; the DAE's noise is drawn per step.
  bool supportsCudaGraph() const override { return !criterion().counts_steps && !o_.noise; }
  NamedLosses validationLosses(const torch::Tensor& images) override;

 private:
  // The reconstruction of one forward pass and its criterion value.
  // `training`: a training step (advances the beta-VAE's capacity schedule).
  // input: what the model sees (the DAE's noisy images in training), x: the target.
  std::pair<torch::Tensor, torch::Tensor> reconstructionLoss(const torch::Tensor& input,
                                                             const torch::Tensor& x, bool training);
  ReconstructionTrainerOptions o_;
  Reconstructor& model_;
  int64_t train_steps_ = 0;
  std::unique_ptr<PerceptualLoss> perceptual_;
};

}  // namespace morphaeus
