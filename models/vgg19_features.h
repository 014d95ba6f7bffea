// VGG19's convolutional trunk (torchvision layout: children features.0 ... features.N, so that
// torchvision's vgg19-dcbb9e9d.pth loads by name), returning the activations after the chosen
// layers -- upstream's VGGEncoder for the perceptual loss uses 1, 6, 11, 20 (relu1_1, relu2_1,
// relu3_1, relu4_1).
#pragma once

#include <torch/torch.h>

#include <vector>

namespace morphaeus {

class VGG19FeaturesImpl : public torch::nn::Module {
 public:
  explicit VGG19FeaturesImpl(std::vector<int64_t> taps = {1, 6, 11, 20});
  // x: [N, 3, H, W], or [N, 1, H, W] for a grey image repeated to three channels. One tensor per
  // tap, in order. The ReLUs work in place (a tapped conv output is copied first).
  std::vector<torch::Tensor> forward(const torch::Tensor& x);

 private:
  std::vector<int64_t> taps_;
  torch::nn::Sequential features_{nullptr};
};
TORCH_MODULE(VGG19Features);

}  // namespace morphaeus
