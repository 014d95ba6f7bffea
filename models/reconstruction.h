// What a reconstruction model says about itself (MorphAEus: y_source), so that trainers and the
// evaluator never probe concrete model types: every reconstruction model's XImpl derives from
// Reconstructor besides torch::nn::Module and answers for itself. A new model implements
// reconstruct() (and, where it differs from the default, the other members) -- nothing else.
#pragma once

#include <torch/torch.h>

#include <optional>

namespace morphaeus {

// What the paper's figures show: the prior (MorphAEus: the decoder's output; plain autoencoders:
// the reconstruction itself) and the deformation that warps it into the reconstruction (the
// integrated field in pixels, [N, 2, H, W]; undefined for models without one).
struct ReconstructionParts {
  torch::Tensor reconstruction, prior, deformation;
};

// How a posterior's scale is given: the VAE's log sigma, the beta-VAE's log sigma^2.
enum class PosteriorScale { LogStd, LogVar };

// One forward pass of a variational model with its posterior N(mu, scale).
struct Posterior {
  torch::Tensor reconstruction, mu, log_scale;
};

class Reconstructor {
 public:
  virtual ~Reconstructor() = default;
  // The reconstruction the anomaly score compares with the input.
  virtual torch::Tensor reconstruct(const torch::Tensor& x) = 0;
  // Whether reconstruct() draws random numbers (the beta-VAE and the SI-VAE sample z at
  // evaluation as upstream's do, unless their eval_sampling is off): scores then depend on
  // torch's generator.
  virtual bool reconstructionSamples() const { return false; }
  virtual ReconstructionParts reconstructionParts(const torch::Tensor& x) {
    const torch::Tensor rec = reconstruct(x);
    return {rec, rec, torch::Tensor()};
  }
  // The posterior the model's loss scores (VAE, beta-VAE): its kind, or nullopt for models
  // whose losses see only the reconstruction.
  virtual std::optional<PosteriorScale> posteriorScale() const { return std::nullopt; }
  // The training forward pass with the posterior; only called when posteriorScale() is set.
  virtual Posterior posterior(const torch::Tensor& x);
};

// The model's Reconstructor, or null for models that do not reconstruct images.
Reconstructor* asReconstructor(torch::nn::Module& model);
// Throws std::invalid_argument for a model that does not reconstruct images.
Reconstructor& reconstructorOf(torch::nn::Module& model);

inline torch::Tensor reconstruct(torch::nn::Module& model, const torch::Tensor& x) {
  return reconstructorOf(model).reconstruct(x);
}
inline bool canReconstruct(torch::nn::Module& model) {
  return asReconstructor(model) != nullptr;
}
inline bool reconstructionSamples(torch::nn::Module& model) {
  const Reconstructor* r = asReconstructor(model);
  return r != nullptr && r->reconstructionSamples();
}
inline ReconstructionParts reconstructionParts(torch::nn::Module& model, const torch::Tensor& x) {
  return reconstructorOf(model).reconstructionParts(x);
}

}  // namespace morphaeus
