// VAE after Zimmerer et al. 2019 (upstream model_zoo/vae_hahn.py, class VAE, from MIC-DKFZ's
// vae-anomaly-experiments): encoder of Conv k4 s2 p1 (no bias) + LeakyReLU(0.01) blocks over
// h_size, a final conv to 2 z_dim channels at 1x1 (mu, log-sigma); the decoder mirrors it with
// ConvTranspose layers and ends without an activation. Train mode samples z = mu + sigma * eps
// (eps ~ N(0, 1) from torch's generator), eval mode uses z = mu. No normalisation layers (the
// upstream default normalization_op=None). State-dict names as upstream:
// encoder.start.conv, encoder.middle_blocks.<i>.conv, encoder.end.conv, decoder.start.conv, ...
#pragma once

#include <torch/torch.h>

#include <vector>

#include "models/reconstruction.h"

namespace morphaeus {

struct VaeOptions {
  std::vector<int64_t> input_size{1, 128, 128};  // (channels, rows, cols)
  std::vector<int64_t> h_size{16, 32, 64, 256, 256};
  int64_t z_dim = 256;
};

struct VaeOutput {
  torch::Tensor reconstruction;
  torch::Tensor mu, log_std;  // [N, z_dim, 1, 1] (upstream returns exp(log_std) as 'z_logvar')
};

class VAEImpl : public torch::nn::Module, public Reconstructor {
 public:
  explicit VAEImpl(const VaeOptions& options);
  VaeOutput forward(const torch::Tensor& x);
  torch::Tensor reconstruct(const torch::Tensor& x) override { return forward(x).reconstruction; }
  std::optional<PosteriorScale> posteriorScale() const override { return PosteriorScale::LogStd; }
  Posterior posterior(const torch::Tensor& x) override {
    VaeOutput o = forward(x);
    return {o.reconstruction, o.mu, o.log_std};
  }

 private:
  std::vector<torch::nn::Conv2d> enc_;           // encoder.start, middle_blocks, end
  std::vector<torch::nn::ConvTranspose2d> dec_;  // decoder.start, middle_blocks, end
};
TORCH_MODULE(VAE);

}  // namespace morphaeus
