// The Soft-Intro VAE trainer (upstream projects/23_morphaeus/SIVAETrainer.py, PTrainer, after
// Daniel & Tamar's train_soft_intro_vae): separate Adam optimisers for encoder and decoder
// (optimizer_params.lr each), per batch an encoder step then a decoder step, with upstream's
// losses and random draws in upstream's order (one noise batch per step, reparameterisations in
// between):
//   encoder: scale * (beta_rec * rec + beta_kl * KL(real))
//            + 0.25 * (mean exp(-2 scale (beta_rec rec_rec + beta_neg KL(rec)))
//                      + mean exp(-2 scale (beta_rec rec_fake + beta_neg KL(fake))))
//   decoder: scale * (beta_rec * rec + beta_kl / 2 * (KL(rec) + KL(fake))
//                     + gamma_r / 2 * beta_rec * (rec_rec + rec_fake))
// with rec* = per-image summed squared errors averaged over the batch, scale = 1 / cols^2 of
// input_size, beta_rec 1, beta_kl 1, beta_neg 256, gamma_r 1e-8 (trainer params of the same
// names override them). Learning rates: MultiStepLR(milestones 350, gamma 0.1) stepped as upstream
// steps it, with the validation loss as the epoch, so it never reaches the milestone (the lr
// stays); lr_scheduler_step: epoch gives x0.1 from epoch 350. Trained in eval mode (BatchNorm with
// its running statistics) as upstream; training_mode: train switches to batch statistics.
// Validation: MSE of the eval-mode (z = mu) reconstruction (upstream reads an unset key and
// crashes, docs/METHOD.md section 7). Checkpoint keys optimizer_e_weights, optimizer_d_weights.
#pragma once

#include "core/train/trainer.h"
#include "models/soft_intro_vae.h"

namespace morphaeus {

// The trainer keys beta_rec, beta_kl, beta_neg, gamma_r; scale from input_size.
struct SoftIntroLossOptions {
  double beta_rec = 1.0, beta_kl = 1.0, beta_neg = 256.0, gamma_r = 1e-8, scale = 1.0 / (128 * 128);
};

class SoftIntroTrainer : public Trainer {
 public:
  // std::invalid_argument unless the model is a SoftIntroVAE.
  SoftIntroTrainer(TrainerSetup setup, const SoftIntroLossOptions& options);

 protected:
  NamedLosses optimize(const torch::Tensor& images, int64_t epoch) override;
  bool supportsFastPath() const override { return false; }
  NamedLosses validationLosses(const torch::Tensor& images) override;
  LrScheduleOptions upstreamSchedule() const override;

 private:
  NamedLosses encoderStep(const torch::Tensor& x, const torch::Tensor& noise, torch::Tensor& z);
  NamedLosses decoderStep(const torch::Tensor& x, const torch::Tensor& noise,
                          const torch::Tensor& z);
  void train(bool encoder, bool decoder);  // requires_grad of the two halves
  SoftIntroVAEImpl& vae_;
  SoftIntroLossOptions o_;
};

}  // namespace morphaeus
