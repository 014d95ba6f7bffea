#include "projects/morphaeus/reconstruction_trainer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "models/beta_vae.h"
#include "models/reconstruction.h"
#include "models/vae.h"

namespace morphaeus {

ReconstructionTrainer::ReconstructionTrainer(TrainerSetup setup)
    : Trainer(std::move(setup)), alfa_(params().getDouble("alfa", 0.0)) {
  if (!canReconstruct(model())) {
    throw params().error(
        "the reconstruction trainer needs an autoencoder (ConvAutoEncoder, "
        "DenseConvAutoEncoderBaur, VAE, BetaVAE_H, UNet)");
  }
  const ConfigNode& loss = params().at("loss");
  if (loss.getString("class_name", "") == "VAELoss") {
    if (dynamic_cast<VAEImpl*>(&model()) == nullptr)
      throw loss.error("VAELoss needs model_zoo.vae_hahn/VAE");
    VaeLossOptions o;
    if (const ConfigNode* p = loss.find("params"); p && p->isMap()) {
      o.rec_log_std = p->getDouble("rec_log_std", 0.0);
      o.upstream_sigma = p->getBool("upstream_sigma", true);
    }
    vae_loss_ = o;
  } else if (loss.getString("class_name", "") == "VAEHigLoss") {
    if (dynamic_cast<BetaVAEImpl*>(&model()) == nullptr) {
      throw loss.error("VAEHigLoss needs model_zoo.beta_vae_higgings/BetaVAE_H");
    }
    BetaVaeLossOptions o;
    if (const ConfigNode* p = loss.find("params"); p && p->isMap()) {
      o.beta = p->getDouble("beta", o.beta);
      o.gamma = p->getDouble("gamma", o.gamma);
      o.max_capacity = p->getDouble("max_capacity", o.max_capacity);
      o.loss_type = p->getString("loss_type", o.loss_type);
    }
    beta_loss_ = o;
  } else if (dynamic_cast<VAEImpl*>(&model()) || dynamic_cast<BetaVAEImpl*>(&model())) {
    spdlog::warn("{}: a VAE trained on a plain reconstruction loss (no KL term)", loss.path());
  }
  perceptual_ = perceptualLossFor(params(), device());
  if (const ConfigNode* t = params().find("transformer"); t && t->isMap()) {
    CoarseNoiseOptions o;
    if (const ConfigNode* p = t->find("params"); p && p->isMap()) {
      o.noise_std = p->getDouble("noise_std", o.noise_std);
      o.noise_res = p->getInt("noise_res", o.noise_res);
    }
    noise_ = o;
  }
}

std::pair<torch::Tensor, torch::Tensor> ReconstructionTrainer::reconstructionLoss(
    const torch::Tensor& input, const torch::Tensor& x, bool training) {
  if (beta_loss_) {
    const BetaVaeOutput out = dynamic_cast<BetaVAEImpl&>(model()).forward(input);
    if (training) ++train_steps_;
    return {out.reconstruction, betaVaeLoss(out.reconstruction, x, out.mu, out.logvar, *beta_loss_,
                                            std::max<int64_t>(train_steps_, 1))};
  }
  if (vae_loss_) {
    const VaeOutput out = dynamic_cast<VAEImpl&>(model()).forward(input);
    return {out.reconstruction, vaeLoss(out.reconstruction, x, out.mu, out.log_std, *vae_loss_)};
  }
  const auto rec = reconstruct(model(), input);
  return {rec, criterion_(rec, x)};
}

NamedLosses ReconstructionTrainer::trainLosses(const torch::Tensor& x, int64_t) {
  torch::Tensor input = x;
  if (noise_) {
    torch::NoGradGuard no_grad;
    input = addCoarseNoise(x, *noise_);
  }
  const auto [rec, loss] = reconstructionLoss(input, x, true);
  if (!perceptual_) return {{"loss", loss}};
  const auto pl = (*perceptual_)(rec, x);
  return {{"loss_total", loss + alfa_ * pl}, {"loss", loss.detach()}, {"loss_pl", pl.detach()}};
}

NamedLosses ReconstructionTrainer::validationLosses(const torch::Tensor& x) {
  const auto [rec, loss] = reconstructionLoss(x, x, false);
  return {{"loss", loss}, {"loss_mse", torch::mse_loss(rec, x)}};
}

}  // namespace morphaeus
