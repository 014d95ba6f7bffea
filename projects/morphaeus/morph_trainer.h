// The MorphAEus trainer (upstream projects/23_morphaeus/MorphTrainer.py, PTrainer). Per batch:
//   L_rec   = loss(x_prior, x) + alfa * PL(x_prior, x)
//   L_morph = (NCC(x, y_source) + NCC(x_prior, y_target)) / 2 + beta * R(v)
//   loss    = L_rec while epoch <= morphology_after_epoch (0-based, as upstream's loop counts:
//             10), then L_rec + delta * L_morph,
// beta = clip(beta_max * epoch / max_iter, 1e-3, beta_max). Validation: the mean over images of
// (MSE(x_prior, x) + MSE(y_source, x)) / 2.
#pragma once

#include <memory>

#include "core/losses/perceptual_loss.h"
#include "core/train/trainer.h"
#include "models/morphaeus.h"

namespace morphaeus {

// The trainer keys alfa, vgg_weights, beta (beta_max), delta and max_iter.
struct MorphTrainerOptions {
  PerceptualLossOptions perceptual;
  /// the largest weight of the regulariser, reached at max_iter (config key `beta`)
  double beta_max = 3.0;
  /// weight of the morphology term
  double delta = 1.0;
  /// epochs over which the regulariser's weight ramps up to beta_max
  int64_t max_iter = 500;
  /// the morphology term joins the loss at the epochs (0-based) above this one: upstream's
  /// `if epoch > 10`, so the 12th epoch is the first with it (not a config key upstream)
  int64_t morphology_after_epoch = 10;
};

class MorphTrainer : public Trainer {
 public:
  // std::invalid_argument unless the model is a MorphAEus.
  MorphTrainer(TrainerSetup setup, const MorphTrainerOptions& options);

 protected:
  NamedLosses trainLosses(const torch::Tensor& images, int64_t epoch) override;
  NamedLosses validationLosses(const torch::Tensor& images) override;
  void startEpoch(int64_t epoch) override;
  nlohmann::json epochValues() const override;

 private:
  MorphAEusImpl& net();
  MorphTrainerOptions o_;
  double beta_ = 1e-3;
  std::unique_ptr<PerceptualLoss> perceptual_;
};

}  // namespace morphaeus
