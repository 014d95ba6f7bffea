// Decoder (upstream Decoder, name prefix "conv_"): per block [x2 bilinear upsample (align
// corners) -> Conv2d] or ConvTranspose2d -> BatchNorm2d -> activation, channels mirrored from the
// encoder; then conv__decode_final (1x1) and a sigmoid (upstream always ends with a sigmoid).
#pragma once

#include <torch/torch.h>

#include <vector>

#include "models/activation.h"
#include "models/autoencoder_options.h"

namespace morphaeus {

class DecoderImpl : public torch::nn::Module {
 public:
  explicit DecoderImpl(const AutoencoderOptions& options);

  torch::Tensor forward(const torch::Tensor& z) { return forward(z, nullptr); }
  // Appends each block's raw convolution output (before BatchNorm) to `conv_outputs`.
  torch::Tensor forward(const torch::Tensor& z, std::vector<torch::Tensor>* conv_outputs);

 private:
  struct Block {
    int64_t upsample = 1;  // bilinear scale before the conv ("stride" mode)
    torch::nn::Conv2d conv{nullptr};
    torch::nn::ConvTranspose2d deconv{nullptr};
    torch::nn::BatchNorm2d norm{nullptr};
  };
  std::vector<Block> blocks_;
  torch::nn::Conv2d final_{nullptr};
  Activation act_;
};
TORCH_MODULE(Decoder);

}  // namespace morphaeus
