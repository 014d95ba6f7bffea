#include "projects/morphaeus/reconstruction_trainer.h"

#include "models/reconstruction.h"

namespace morphaeus {

ReconstructionTrainer::ReconstructionTrainer(TrainerSetup setup) : Trainer(std::move(setup)) {
  if (!canReconstruct(model())) {
    throw params().error(
        "the reconstruction trainer needs an autoencoder (ConvAutoEncoder, "
        "DenseConvAutoEncoderBaur)");
  }
}

NamedLosses ReconstructionTrainer::trainLosses(const torch::Tensor& x, int64_t) {
  const auto loss = criterion_(reconstruct(model(), x), x);
  return {{"loss", loss}};
}

NamedLosses ReconstructionTrainer::validationLosses(const torch::Tensor& x) {
  return {{"loss", criterion_(reconstruct(model(), x), x)}};
}

}  // namespace morphaeus
