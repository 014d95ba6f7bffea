#include "projects/morphaeus/reconstruction_trainer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace morphaeus {
namespace {

Reconstructor& requireReconstructor(torch::nn::Module& model) {
  if (Reconstructor* r = asReconstructor(model)) return *r;
  throw std::invalid_argument(
      "the reconstruction trainer needs an autoencoder (ConvAutoEncoder, "
      "DenseConvAutoEncoderBaur, VAE, BetaVAE_H, UNet)");
}

}  // namespace

ReconstructionTrainer::ReconstructionTrainer(TrainerSetup setup,
                                             const ReconstructionTrainerOptions& options)
    : Trainer(std::move(setup)), o_(options), model_(requireReconstructor(model())) {
  const ReconstructionLoss& loss = criterion();
  if (loss.posterior && model_.posteriorScale() != loss.posterior) {
    throw std::invalid_argument("loss: " + loss.name + " needs " + loss.needs_model);
  }
  if (!loss.posterior && model_.posteriorScale()) {
    spdlog::warn("trainer.params.loss: a VAE trained on a plain reconstruction loss (no KL term)");
  }
  perceptual_ = perceptualLossFor(o_.perceptual, device());
}

std::pair<torch::Tensor, torch::Tensor> ReconstructionTrainer::reconstructionLoss(
    const torch::Tensor& input, const torch::Tensor& x, bool training) {
  const ReconstructionLoss& loss = criterion();
  if (!loss.posterior) {
    const auto rec = model_.reconstruct(input);
    return {rec, loss(rec, x)};
  }
  if (training) ++train_steps_;
  const Posterior q = model_.posterior(input);
  return {q.reconstruction,
          loss(LossInputs{q.reconstruction, x, &q, std::max<int64_t>(train_steps_, 1)})};
}

NamedLosses ReconstructionTrainer::trainLosses(const torch::Tensor& x, int64_t) {
  torch::Tensor input = x;
  if (o_.noise) {
    torch::NoGradGuard no_grad;
    input = addCoarseNoise(x, *o_.noise);
  }
  const auto [rec, loss] = reconstructionLoss(input, x, true);
  if (!perceptual_) return {{"loss", loss}};
  const auto pl = (*perceptual_)(rec, x);
  return {{"loss_total", loss + o_.perceptual.alfa * pl},
          {"loss", loss.detach()},
          {"loss_pl", pl.detach()}};
}

NamedLosses ReconstructionTrainer::validationLosses(const torch::Tensor& x) {
  const auto [rec, loss] = reconstructionLoss(x, x, false);
  return {{kValidationLoss, loss}, {"loss_mse", torch::mse_loss(rec, x)}};
}

}  // namespace morphaeus
