#include "projects/morphaeus/aae_trainer.h"

#include <cmath>
#include <stdexcept>

namespace morphaeus {
namespace {

enum AaeOptimizerSlot { kGE = 0, kG = 1, kZD = 2, kD = 3 };  // the order of upstream's checkpoint keys

AAEImpl& requireAae(torch::nn::Module& model) {
  auto* aae = dynamic_cast<AAEImpl*>(&model);
  if (aae == nullptr)
    throw std::invalid_argument("the AAE trainer needs model_zoo.aae_pidhorskyi/AAE");
  return *aae;
}

std::vector<torch::Tensor> concat(std::vector<torch::Tensor> a,
                                  const std::vector<torch::Tensor>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

AaeTrainer::AaeTrainer(TrainerSetup setup) : Trainer(std::move(setup)), aae_(requireAae(model())) {
  AdamOptions o = adamOptions();
  if (!options().adam_betas) o.beta1 = 0.5;
  base_lr_ = o.lr;
  setOptimizers({{"optimizer_E_weights", concat(aae_.E->parameters(), aae_.G->parameters())},
                 {"optimizer_G_weights", aae_.G->parameters()},
                 {"optimizer_ZD_weights", aae_.ZD->parameters()},
                 {"optimizer_D_weights", aae_.D->parameters()}},
                o);
}

void AaeTrainer::startEpoch(int64_t epoch) {
  setLearningRate(base_lr_ * std::pow(0.25, static_cast<double>((epoch + 1) / 90)));
}

torch::Tensor AaeTrainer::noise(int64_t batch) const {
  return torch::randn({batch, aae_.zDim()}).to(device());
}

NamedLosses AaeTrainer::optimize(const torch::Tensor& x, int64_t) {
  const int64_t b = x.size(0);
  const auto opts = x.options();
  const auto real = torch::ones({b}, opts), fake = torch::zeros({b}, opts);
  auto bce = [](const torch::Tensor& p, const torch::Tensor& y) {
    return torch::binary_cross_entropy(p.reshape(y.sizes()), y);
  };
  auto zImage = [&](const torch::Tensor& z) { return z.reshape({b, aae_.zDim(), 1, 1}); };

  const auto d_real = bce(aae_.D(x), real);
  const auto x_fake = aae_.G(zImage(noise(b))).detach();
  const auto d_loss = d_real + bce(aae_.D(x_fake), fake);
  minimise(kD, d_loss);

  const auto g_loss = bce(aae_.D(aae_.G(zImage(noise(b)))), real);
  minimise(kG, g_loss);

  const auto zd_real = bce(aae_.ZD(noise(b)), real);
  const auto zd_loss = (zd_real + bce(aae_.ZD(aae_.E(x).reshape({b, -1}).detach()), fake)) * 2.0;
  minimise(kZD, zd_loss);

  const auto z = aae_.E(x);
  const auto e_loss = bce(aae_.ZD(z.reshape({b, -1})), real);
  const auto rec_loss = torch::binary_cross_entropy(aae_.G(z), x) * 2.0;
  minimise(kGE, rec_loss + e_loss);

  NamedLosses losses = {{"loss_rec", rec_loss.detach()},
                        {"loss_D", d_loss.detach()},
                        {"loss_G", g_loss.detach()},
                        {"loss_ZD", zd_loss.detach()},
                        {"loss_E", e_loss.detach()}};
  requireFinite(losses);
  return losses;
}

NamedLosses AaeTrainer::validationLosses(const torch::Tensor& x) {
  const auto rec = aae_.forward(x).reconstruction;
  return {{kValidationLoss, torch::binary_cross_entropy(rec, x) * 2.0},
          {"loss_mse", torch::mse_loss(rec, x)}};
}

}  // namespace morphaeus
