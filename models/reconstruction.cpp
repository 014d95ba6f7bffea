#include "models/reconstruction.h"

#include <stdexcept>

#include "models/beta_vae.h"
#include "models/conv_autoencoder.h"
#include "models/dense_conv_autoencoder.h"
#include "models/morphaeus.h"
#include "models/vae.h"

namespace morphaeus {

torch::Tensor reconstruct(torch::nn::Module& model, const torch::Tensor& x) {
  if (auto* m = dynamic_cast<MorphAEusImpl*>(&model)) return m->forward(x).reconstruction;
  if (auto* m = dynamic_cast<ConvAutoEncoderImpl*>(&model)) return m->forward(x).reconstruction;
  if (auto* m = dynamic_cast<DenseConvAutoEncoderImpl*>(&model))
    return m->forward(x).reconstruction;
  if (auto* m = dynamic_cast<VAEImpl*>(&model)) return m->forward(x).reconstruction;
  if (auto* m = dynamic_cast<BetaVAEImpl*>(&model)) return m->forward(x).reconstruction;
  throw std::invalid_argument("this model does not reconstruct images");
}

bool canReconstruct(const torch::nn::Module& model) {
  return dynamic_cast<const MorphAEusImpl*>(&model) ||
         dynamic_cast<const ConvAutoEncoderImpl*>(&model) ||
         dynamic_cast<const DenseConvAutoEncoderImpl*>(&model) ||
         dynamic_cast<const VAEImpl*>(&model) || dynamic_cast<const BetaVAEImpl*>(&model);
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
