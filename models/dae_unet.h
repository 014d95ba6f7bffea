// The denoising autoencoder's U-Net (Kascenas et al. 2022; upstream model_zoo/dae_kascenas.py,
// class UNet): blocks of [ReflectionPad2d(1) when padding, weight-standardised Conv k3, swish,
// GroupNorm] x 2 with 2^(wf + i) channels, average pooling down, ConvTranspose k2 s2 up
// (up_mode upconv) with the skip concatenated (centre-cropped), a final 1x1 conv, no output
// activation. GroupNorm groups: the middle divisor of the channel count, as upstream.
// Children as upstream: down_path.<i>.block.<j>, up_path.<i>.up, up_path.<i>.conv_block.block.<j>,
// last.
#pragma once

#include <torch/torch.h>

#include <string>

#include "models/reconstruction.h"

namespace morphaeus {

// Defaults: upstream UNet's constructor (the paper's configs set depth 4, wf 6, padding true).
struct DaeUNetOptions {
  /// input image channels
  int64_t in_channels = 1;
  /// output channels
  int64_t n_classes = 1;
  /// levels of the U
  int64_t depth = 3;
  /// 2^wf channels at the first level
  int64_t wf = 7;
  /// reflection padding in every conv block: output size = input size
  bool padding = false;
  /// group | batch | none
  std::string norm = "group";
};

// Weight-standardised convolution (upstream WNConv2d): the weight minus its per-filter mean,
// divided by its per-filter (unbiased) std + 1e-5, at every forward pass.
class WSConv2dImpl : public torch::nn::Conv2dImpl {
 public:
  using torch::nn::Conv2dImpl::Conv2dImpl;
  torch::Tensor forward(const torch::Tensor& x);
};
TORCH_MODULE(WSConv2d);

// The largest-but-middle divisor rule of upstream's get_groups.
int64_t groupNormGroups(int64_t channels);

class DaeUNetImpl : public torch::nn::Module, public Reconstructor {
 public:
  explicit DaeUNetImpl(const DaeUNetOptions& options);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor reconstruct(const torch::Tensor& x) override { return forward(x); }

 private:
  torch::nn::Sequential convBlock(int64_t in, int64_t out) const;
  DaeUNetOptions options_;
  std::vector<torch::nn::Sequential> down_;
  std::vector<torch::nn::ConvTranspose2d> up_;
  std::vector<torch::nn::Sequential> up_blocks_;
  torch::nn::Conv2d last_{nullptr};
};
TORCH_MODULE(DaeUNet);

}  // namespace morphaeus
