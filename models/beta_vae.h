// beta-VAE (Higgins et al. 2017 / Burgess et al. 2018; upstream model_zoo/beta_vae_higgings.py,
// class BetaVAE_H with additional_layer=True, from 1Konny/Beta-VAE): five Conv k4 s2 p1 + ReLU
// blocks of 32 channels, Conv(32, 256, k4) + ReLU, Linear(256, 2 z_dim) -> (mu, logvar); the
// decoder mirrors it (Linear, ReLU, ConvTranspose stack, no output activation). Children
// encoder.N / decoder.N as upstream's Sequential indexes. Like upstream's forward it always samples
// z = mu + eps * exp(logvar / 2) (torch's generator), in train and eval mode alike -- training,
// validation and, by default, the evaluation's scores; `eval_sampling = false` scores with z = mu
// (reconstruct(), docs/METHOD.md section 7).
// Initialisation as upstream's kaiming_init: Kaiming-normal weights and zero biases for the Conv2d
// and Linear layers (ConvTranspose2d keeps PyTorch's default).
#pragma once

#include <torch/torch.h>

#include "models/reconstruction.h"

namespace morphaeus {

struct BetaVaeOptions {
  /// latent size
  int64_t z_dim = 32;
  /// image channels
  int64_t nc = 1;
  /// reconstruct() samples z as upstream's forward; false: z = mu
  bool eval_sampling = true;
};

struct BetaVaeOutput {
  torch::Tensor reconstruction, mu, logvar;  // mu, logvar: [N, z_dim]
};

class BetaVAEImpl : public torch::nn::Module, public Reconstructor {
 public:
  explicit BetaVAEImpl(const BetaVaeOptions& options = {});
  // sample = false: z = mu.
  BetaVaeOutput forward(const torch::Tensor& x, bool sample = true);
  bool evalSampling() const { return eval_sampling_; }
  torch::Tensor reconstruct(const torch::Tensor& x) override {
    return forward(x, eval_sampling_).reconstruction;
  }
  bool reconstructionSamples() const override { return eval_sampling_; }
  std::optional<PosteriorScale> posteriorScale() const override { return PosteriorScale::LogVar; }
  Posterior posterior(const torch::Tensor& x) override {  // samples, as upstream's training
    BetaVaeOutput o = forward(x);
    return {o.reconstruction, o.mu, o.logvar};
  }

 private:
  int64_t z_dim_;
  bool eval_sampling_;
  torch::nn::Sequential encoder_{nullptr}, decoder_{nullptr};
};
TORCH_MODULE(BetaVAE);

}  // namespace morphaeus
