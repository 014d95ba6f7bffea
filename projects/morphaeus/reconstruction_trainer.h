// The plain reconstruction trainer (upstream projects/23_morphaeus/Trainer.py, PTrainer) of the
// autoencoder baselines (AE-S, AE-D, MorphAEus-woPLM): loss = the configured criterion (L1/L2)
// of reconstruction against input. Validation uses the same loss -- upstream reads a validation
// key that is never set and crashes at its first validation (METHOD.md section 7); ours works.
#pragma once

#include "core/trainer/trainer.h"

namespace morphaeus {

class ReconstructionTrainer : public Trainer {
 public:
  explicit ReconstructionTrainer(TrainerSetup setup);

 protected:
  NamedLosses trainLosses(const torch::Tensor& images, int64_t epoch) override;
  NamedLosses validationLosses(const torch::Tensor& images) override;
};

}  // namespace morphaeus
