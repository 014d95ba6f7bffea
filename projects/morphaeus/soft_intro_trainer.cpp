#include "projects/morphaeus/soft_intro_trainer.h"

#include <stdexcept>

namespace morphaeus {
namespace {

enum SoftIntroOptimizerSlot { kEncoder = 0, kDecoder = 1 };  // the order of upstream's optimisers

SoftIntroVAEImpl& requireSoftIntro(torch::nn::Module& model) {
  auto* vae = dynamic_cast<SoftIntroVAEImpl*>(&model);
  if (vae == nullptr) {
    throw std::invalid_argument(
        "the SI-VAE trainer needs model_zoo.soft_intro_vae_daniel/SoftIntroVAE");
  }
  return *vae;
}

// KL(N(mu, exp(logvar)) || N(0, 1)) per image.
torch::Tensor kl(const torch::Tensor& logvar, const torch::Tensor& mu) {
  return -0.5 * (1 + logvar - logvar.exp() - mu.pow(2)).sum(1);
}

// Summed squared error per image.
torch::Tensor sse(const torch::Tensor& target, const torch::Tensor& rec) {
  return (rec - target).pow(2).reshape({rec.size(0), -1}).sum(1);
}

}  // namespace

SoftIntroTrainer::SoftIntroTrainer(TrainerSetup setup, const SoftIntroLossOptions& options)
    : Trainer(std::move(setup)), vae_(requireSoftIntro(model())), o_(options) {
  const AdamOptions adam = adamOptions();
  setOptimizers({{"optimizer_e_weights", vae_.encoder().parameters()},
                 {"optimizer_d_weights", vae_.decoder().parameters()}},
                adam);
}

LrScheduleOptions SoftIntroTrainer::upstreamSchedule() const {
  LrScheduleOptions o;  // upstream's own MultiStepLR on both optimisers (lr_scheduler unused)
  o.kind = "multistep";
  o.base_lr = adamOptions().lr;
  o.milestones = {350};
  o.gamma = 0.1;
  return o;
}

void SoftIntroTrainer::train(bool encoder, bool decoder) {
  for (auto& p : vae_.encoder().parameters()) p.set_requires_grad(encoder);
  for (auto& p : vae_.decoder().parameters()) p.set_requires_grad(decoder);
}

NamedLosses SoftIntroTrainer::encoderStep(const torch::Tensor& x, const torch::Tensor& noise,
                                          torch::Tensor& z) {
  train(true, false);
  const auto fake = vae_.decode(noise);
  const auto [mu, logvar] = vae_.encode(x);
  z = SoftIntroVAEImpl::reparameterize(mu, logvar);
  const auto rec = vae_.decode(z);
  const auto loss_rec = sse(x, rec).mean();
  const auto kl_real = kl(logvar, mu).mean();
  const SoftIntroVaeOutput rr = vae_.forward(rec.detach(), /*deterministic=*/false);
  const SoftIntroVaeOutput rf = vae_.forward(fake.detach(), /*deterministic=*/false);
  auto expElbo = [&](const torch::Tensor& target, const SoftIntroVaeOutput& out) {
    return (-2 * o_.scale *
            (o_.beta_rec * sse(target, out.reconstruction) + o_.beta_neg * kl(out.logvar, out.mu)))
        .exp()
        .mean();
  };
  const auto expelbo_rec = expElbo(rec, rr), expelbo_fake = expElbo(fake, rf);
  const auto loss = o_.scale * (o_.beta_rec * loss_rec + o_.beta_kl * kl_real) +
                    0.25 * (expelbo_rec + expelbo_fake);
  minimise(kEncoder, loss);
  return {{"loss_E", loss.detach()},
          {"kl_real", kl_real.detach()},
          {"expelbo_rec", expelbo_rec.detach()},
          {"expelbo_fake", expelbo_fake.detach()}};
}

NamedLosses SoftIntroTrainer::decoderStep(const torch::Tensor& x, const torch::Tensor& noise,
                                          const torch::Tensor& z) {
  train(false, true);
  const auto fake = vae_.decode(noise);
  const auto rec = vae_.decode(z.detach());
  const auto loss_rec = sse(x, rec).mean();
  const auto [rec_mu, rec_logvar] = vae_.encode(rec);
  const auto z_rec = SoftIntroVAEImpl::reparameterize(rec_mu, rec_logvar);
  const auto [fake_mu, fake_logvar] = vae_.encode(fake);
  const auto z_fake = SoftIntroVAEImpl::reparameterize(fake_mu, fake_logvar);
  const auto rec_rec = sse(rec.detach(), vae_.decode(z_rec.detach())).mean();
  const auto rec_fake = sse(fake.detach(), vae_.decode(z_fake.detach())).mean();
  const auto kl_rec = kl(rec_logvar, rec_mu).mean(), kl_fake = kl(fake_logvar, fake_mu).mean();
  const auto loss = o_.scale * (loss_rec * o_.beta_rec + (kl_rec + kl_fake) * 0.5 * o_.beta_kl +
                                o_.gamma_r * 0.5 * o_.beta_rec * (rec_rec + rec_fake));
  minimise(kDecoder, loss);
  return {{"loss_rec", loss_rec.detach()},
          {"loss_D", loss.detach()},
          {"kl_rec", kl_rec.detach()},
          {"kl_fake", kl_fake.detach()}};
}

NamedLosses SoftIntroTrainer::optimize(const torch::Tensor& x, int64_t) {
  const auto noise = torch::randn({x.size(0), vae_.zDim()}).to(device());
  struct TrainBoth {  // both halves trainable again when the step ends, also by an exception
    SoftIntroTrainer& t;
    ~TrainBoth() { t.train(true, true); }
  } restore{*this};
  torch::Tensor z;
  const NamedLosses e = encoderStep(x, noise, z);
  const NamedLosses d = decoderStep(x, noise, z);
  NamedLosses losses = d;  // loss_rec first: the reconstruction error upstream reports
  losses.insert(losses.begin() + 1, e.begin(), e.end());
  requireFinite(losses);
  return losses;
}

NamedLosses SoftIntroTrainer::validationLosses(const torch::Tensor& x) {
  return {{kValidationLoss,
           torch::mse_loss(vae_.forward(x, /*deterministic=*/true).reconstruction, x)}};
}

}  // namespace morphaeus
