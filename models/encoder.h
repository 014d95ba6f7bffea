// Encoder (upstream Encoder, name prefix "conv_"): per block Conv2d(k, stride s) -> BatchNorm2d
// -> activation; children named conv__encode_i / conv__batch_i as in the upstream state_dict.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "models/activation.h"
#include "models/autoencoder_options.h"

namespace morphaeus {

class EncoderImpl : public torch::nn::Module {
 public:
  explicit EncoderImpl(const AutoencoderOptions& options);

  torch::Tensor forward(const torch::Tensor& x) { return forward(x, nullptr); }
  // Appends each block's raw convolution output (before BatchNorm) to `conv_outputs`.
  torch::Tensor forward(const torch::Tensor& x, std::vector<torch::Tensor>* conv_outputs);

 private:
  std::vector<torch::nn::Conv2d> convs_;
  std::vector<torch::nn::BatchNorm2d> norms_;
  Activation act_;
};
TORCH_MODULE(Encoder);

}  // namespace morphaeus
