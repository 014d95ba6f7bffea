#include "projects/morphaeus/morph_trainer.h"

#include <algorithm>
#include <stdexcept>

#include "core/losses/displacement_regularizer.h"
#include "core/losses/ncc_loss.h"

namespace morphaeus {

MorphTrainer::MorphTrainer(TrainerSetup setup, const MorphTrainerOptions& options)
    : Trainer(std::move(setup)), o_(options) {
  if (dynamic_cast<MorphAEusImpl*>(&model()) == nullptr) {
    throw std::invalid_argument("the MorphAEus trainer needs model_zoo.morphaeus/MorphAEus");
  }
  if (criterion().posterior) {
    throw std::invalid_argument(criterion().name + " scores a VAE's posterior, not MorphAEus'");
  }
  perceptual_ = perceptualLossFor(o_.perceptual, device());
  if (perceptual_) prepareModule(perceptual_->network());
}

MorphAEusImpl& MorphTrainer::net() {
  return dynamic_cast<MorphAEusImpl&>(model());
}

void MorphTrainer::startEpoch(int64_t epoch) {
  beta_ = std::clamp(o_.beta_max * static_cast<double>(epoch) / static_cast<double>(o_.max_iter),
                     1e-3, o_.beta_max);
}

nlohmann::json MorphTrainer::epochValues() const {
  return {{"beta", beta_}};
}

NamedLosses MorphTrainer::trainLosses(const torch::Tensor& x, int64_t epoch) {
  const MorphAEusOutput out = net().forward(x);
  const auto loss_rec = criterion()(out.x_prior, x);
  // alfa 0: no perceptual loss, computed or logged (upstream computes and logs it anyway).
  const auto loss_pl = perceptual_ ? (*perceptual_)(out.x_prior, x) : torch::Tensor();
  auto loss = perceptual_ ? loss_rec + o_.perceptual.alfa * loss_pl : loss_rec;
  const auto reg = displacementRegularizer(out.velocity_or_deformation, Regularizer::GradientL2);
  const NccWindowSums sums =
      fastPath().ncc_box_sums ? NccWindowSums::BoxSum : NccWindowSums::Convolution;
  const auto deform =
      out.reconstruction.is_same(out.x_reversed)  // bidir: false returns y_source
          ? nccLoss(x, out.reconstruction, sums)
          : (nccLoss(x, out.reconstruction, sums) + nccLoss(out.x_prior, out.x_reversed, sums)) / 2;
  if (epoch > o_.morphology_after_epoch) loss = loss + o_.delta * (deform + beta_ * reg);
  NamedLosses losses = {{"loss_total", loss}, {"loss", loss_rec.detach()}};
  if (perceptual_) losses.emplace_back("loss_pl", loss_pl.detach());
  losses.emplace_back("loss_reg", reg.detach());
  losses.emplace_back("loss_deformation", deform.detach());
  return losses;
}

NamedLosses MorphTrainer::validationLosses(const torch::Tensor& x) {
  const MorphAEusOutput out = net().forward(x);
  const auto mse = (torch::mse_loss(out.x_prior, x) + torch::mse_loss(out.reconstruction, x)) / 2.0;
  NamedLosses losses = {{kValidationLoss, mse}, {"loss_prec", criterion()(out.x_prior, x)}};
  if (perceptual_) losses.emplace_back("loss_pl", (*perceptual_)(out.x_prior, x));
  return losses;
}

}  // namespace morphaeus
