// DenseConvAutoEncoderBaur (upstream AE-D, after Baur et al. 2021): the ConvAutoEncoder with a
// dense bottleneck -- lin_enc (1x1 conv to 16 channels), flatten (16 x 8 x 8 = 1024 for 128x128
// inputs), lin_lay_enc Linear(1024, 128), lin_lay_dec Linear(128, 1024), lin_dec (1x1 conv back),
// no activations in between, as upstream.
#pragma once

#include <torch/torch.h>

#include "models/conv_autoencoder.h"

namespace morphaeus {

class DenseConvAutoEncoderImpl : public torch::nn::Module, public Reconstructor {
 public:
  // The bottleneck's shape: 16 channels of 8 x 8 pixels (any rows x cols holding 64), flattened
  // to the Linear layers' 1024 inputs.
  static constexpr std::int64_t kBottleneckChannels = 16;
  static constexpr std::int64_t kBottleneckSide = 8;  // of the square the paper's images give
  static constexpr std::int64_t kBottleneckPixels = kBottleneckSide * kBottleneckSide;
  static constexpr std::int64_t kCode = 128;  // the dense code's width

  explicit DenseConvAutoEncoderImpl(const AutoencoderOptions& options);
  ConvAutoEncoderOutput forward(const torch::Tensor& x);  // z: the 128-d code
  torch::Tensor reconstruct(const torch::Tensor& x) override { return forward(x).reconstruction; }

 private:
  Encoder encoder_{nullptr};
  Decoder decoder_{nullptr};
  torch::nn::Conv2d lin_enc_{nullptr}, lin_dec_{nullptr};
  torch::nn::Linear lin_lay_enc_{nullptr}, lin_lay_dec_{nullptr};
};
TORCH_MODULE(DenseConvAutoEncoder);

}  // namespace morphaeus
