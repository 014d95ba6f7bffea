// The AAE trainer of GPND (upstream projects/23_morphaeus/AAETrainer.py, PTrainer): four Adam
// optimisers with betas (0.5, 0.999) (unless optimizer_params.betas says otherwise) -- for D, G,
// ZD and E+G -- and per batch, in upstream's order and with upstream's random draws:
//   1. D:   BCE(D(x), 1) + BCE(D(G(z).detach()), 0),             z ~ N(0, 1)
//   2. G:   BCE(D(G(z)), 1),                                     a new z
//   3. ZD:  2 * (BCE(ZD(z), 1) + BCE(ZD(E(x).detach()), 0)),     a new z
//   4. E+G: BCE(ZD(E(x)), 1) + 2 * BCE(G(E(x)), x).
// Every learning rate is divided by 4 at the start of every 90th epoch (epoch 89, 179, ...);
// upstream's lr_scheduler acts on an optimiser the AAE does not use, so none applies here.
// As upstream: trained in train mode, and early stopping is checked only when the validation
// loss improved, so it never stops early (early_stopping: every_validation applies patience).
// Validation: 2 * BCE of the eval-mode reconstruction ("loss") and its MSE. Checkpoints keep
// the four optimiser states under upstream's keys (optimizer_E_weights = the E+G optimiser,
// optimizer_G_weights, optimizer_ZD_weights, optimizer_D_weights).
#pragma once

#include "core/train/trainer.h"
#include "models/aae.h"

namespace morphaeus {

class AaeTrainer : public Trainer {
 public:
  // std::invalid_argument unless the model is an AAE (the trainer has no keys of its own).
  explicit AaeTrainer(TrainerSetup setup);
  static constexpr bool kUpstreamTrainMode = true;  // AAETrainer.py calls .train() every epoch

 protected:
  NamedLosses optimize(const torch::Tensor& images, int64_t epoch) override;
  bool supportsFastPath() const override { return false; }
  NamedLosses validationLosses(const torch::Tensor& images) override;
  void startEpoch(int64_t epoch) override;
  bool upstreamTrainsInTrainMode() const override { return kUpstreamTrainMode; }
  bool upstreamChecksPatienceOnlyOnImprovement() const override { return true; }
  LrScheduleOptions upstreamSchedule() const override { return {}; }

 private:
  torch::Tensor noise(int64_t batch) const;  // z ~ N(0, 1) as upstream draws it (on the CPU)
  AAEImpl& aae_;
  double base_lr_;
};

}  // namespace morphaeus
