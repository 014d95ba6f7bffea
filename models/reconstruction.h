// The reconstruction of a batch by any of the reconstruction models (MorphAEus: y_source).
#pragma once

#include <torch/torch.h>

namespace morphaeus {

// Throws std::invalid_argument for a model that does not reconstruct images.
torch::Tensor reconstruct(torch::nn::Module& model, const torch::Tensor& x);
// Whether reconstruct() accepts this model.
bool canReconstruct(const torch::nn::Module& model);
// Whether reconstruct() draws random numbers (the beta-VAE and the SI-VAE sample z at evaluation
// as upstream's do, unless their eval_sampling is off): scores then depend on torch's generator.
bool reconstructionSamples(const torch::nn::Module& model);

// What the paper's figures show: the prior (MorphAEus: the decoder's output; plain autoencoders:
// the reconstruction itself) and the deformation that warps it into the reconstruction (the
// integrated field in pixels, [N, 2, H, W]; undefined for models without one).
struct ReconstructionParts {
  torch::Tensor reconstruction, prior, deformation;
};
ReconstructionParts reconstructionParts(torch::nn::Module& model, const torch::Tensor& x);

}  // namespace morphaeus
