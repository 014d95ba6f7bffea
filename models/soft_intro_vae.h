// Soft-Intro VAE (Daniel & Tamar 2021; upstream model_zoo/soft_intro_vae_daniel.py, class
// SoftIntroVAE, with IntroVAE's residual blocks): encoder = Conv k5 + BatchNorm + LeakyReLU 0.2 +
// AvgPool, then per further channel count a residual block and an AvgPool, a last residual
// block and a Linear to (mu, logvar); decoder = Linear + ReLU to the encoder's last feature map,
// per channel count (reversed) a residual block and a nearest 2x upsampling, a last residual
// block, Conv k5 and a sigmoid. forward(x, deterministic) as upstream's: deterministic = false
// (upstream's default, whatever the model mode) samples z = mu + exp(logvar / 2) * eps from
// torch's generator, true uses z = mu. Upstream's evaluator calls model(x), so its scores are
// random draws: reconstruct() samples too unless `eval_sampling` is false (docs/METHOD.md section
// 7).
//
// Upstream's residual block adds a 1x1 `conv_expand` when `inc is not outc` -- a Python identity
// test, true for equal channel counts above 256 that come from different entries of the
// config's list (docs/METHOD.md section 7). With `upstream_conv_expand` (the default) we build the
// same layers, so upstream checkpoints load: encoder.main.res_in_8 and decoder.main.res_in_8 of the
// paper config (512 -> 512) carry one.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "models/reconstruction.h"

namespace morphaeus {

struct SoftIntroVaeOptions {
  int64_t cdim = 1, zdim = 128, image_size = 128;
  std::vector<int64_t> channels{64, 128, 256, 512, 512};
  bool upstream_conv_expand = true;
  bool eval_sampling = true;  // reconstruct() (the evaluation's scores) samples z
};

class SiResidualBlockImpl : public torch::nn::Module {
 public:
  SiResidualBlockImpl(int64_t in, int64_t out, bool expand);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv_expand_{nullptr}, conv1_{nullptr}, conv2_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr};
};
TORCH_MODULE(SiResidualBlock);

struct SoftIntroVaeOutput {
  torch::Tensor reconstruction, mu, logvar, z;  // mu, logvar, z: [N, zdim]
};

class SoftIntroVAEImpl : public torch::nn::Module, public Reconstructor {
 public:
  explicit SoftIntroVAEImpl(const SoftIntroVaeOptions& options);
  SoftIntroVaeOutput forward(const torch::Tensor& x, bool deterministic = false);
  torch::Tensor reconstruct(const torch::Tensor& x) override {
    return forward(x, !options_.eval_sampling).reconstruction;
  }
  bool reconstructionSamples() const override { return options_.eval_sampling; }

  std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& x);  // mu, logvar
  torch::Tensor decode(const torch::Tensor& z);
  // mu + exp(logvar / 2) * eps, eps drawn from torch's generator.
  static torch::Tensor reparameterize(const torch::Tensor& mu, const torch::Tensor& logvar);

  torch::nn::Module& encoder() { return *encoder_; }
  torch::nn::Module& decoder() { return *decoder_; }
  int64_t zDim() const { return options_.zdim; }
  bool evalSampling() const { return options_.eval_sampling; }

 private:
  SoftIntroVaeOptions options_;
  std::shared_ptr<torch::nn::Module> encoder_, decoder_;
  torch::nn::Sequential enc_main_{nullptr}, dec_main_{nullptr};
  torch::nn::Linear enc_fc_{nullptr};
  torch::nn::Sequential dec_fc_{nullptr};
  std::vector<int64_t> feature_shape_;  // channels, rows, cols at the encoder's end
};
TORCH_MODULE(SoftIntroVAE);

}  // namespace morphaeus
