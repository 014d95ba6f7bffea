#include "models/reconstruction.h"

#include <functional>
#include <stdexcept>

#include "models/aae.h"
#include "models/beta_vae.h"
#include "models/conv_autoencoder.h"
#include "models/dae_unet.h"
#include "models/dense_conv_autoencoder.h"
#include "models/morphaeus.h"
#include "models/soft_intro_vae.h"
#include "models/vae.h"

namespace morphaeus {

namespace {

// The one list of reconstruction models: how each reconstructs a batch (empty: not one of them).
std::function<torch::Tensor(const torch::Tensor&)> reconstructorOf(torch::nn::Module& model) {
  if (auto* m = dynamic_cast<MorphAEusImpl*>(&model))
    return [m](const torch::Tensor& x) { return m->reconstruct(x); };
  if (auto* m = dynamic_cast<ConvAutoEncoderImpl*>(&model))
    return [m](const torch::Tensor& x) { return m->forward(x).reconstruction; };
  if (auto* m = dynamic_cast<DenseConvAutoEncoderImpl*>(&model)) {
    return [m](const torch::Tensor& x) { return m->forward(x).reconstruction; };
  }
  if (auto* m = dynamic_cast<VAEImpl*>(&model))
    return [m](const torch::Tensor& x) { return m->forward(x).reconstruction; };
  if (auto* m = dynamic_cast<BetaVAEImpl*>(&model))
    return [m](const torch::Tensor& x) { return m->forward(x, m->evalSampling()).reconstruction; };
  if (auto* m = dynamic_cast<DaeUNetImpl*>(&model))
    return [m](const torch::Tensor& x) { return m->forward(x); };
  if (auto* m = dynamic_cast<AAEImpl*>(&model))
    return [m](const torch::Tensor& x) { return m->forward(x).reconstruction; };
  if (auto* m = dynamic_cast<SoftIntroVAEImpl*>(&model)) {
    return [m](const torch::Tensor& x) { return m->forward(x, !m->evalSampling()).reconstruction; };
  }
  return {};
}

}  // namespace

torch::Tensor reconstruct(torch::nn::Module& model, const torch::Tensor& x) {
  const auto f = reconstructorOf(model);
  if (!f) throw std::invalid_argument("this model does not reconstruct images");
  return f(x);
}

bool canReconstruct(const torch::nn::Module& model) {
  return static_cast<bool>(reconstructorOf(const_cast<torch::nn::Module&>(model)));
}

bool reconstructionSamples(const torch::nn::Module& model) {
  if (const auto* m = dynamic_cast<const BetaVAEImpl*>(&model)) return m->evalSampling();
  if (const auto* m = dynamic_cast<const SoftIntroVAEImpl*>(&model)) return m->evalSampling();
  return false;
}

ReconstructionParts reconstructionParts(torch::nn::Module& model, const torch::Tensor& x) {
  if (auto* m = dynamic_cast<MorphAEusImpl*>(&model)) {
    const MorphAEusOutput out = m->forward(x, /*registration=*/true);
    return {out.reconstruction, out.x_prior, out.deformation};
  }
  const torch::Tensor rec = reconstruct(model, x);
  return {rec, rec, torch::Tensor()};
}

}  // namespace morphaeus
