// AlexNet's convolutional trunk in torchvision's layout (children features.0 ... features.11, so
// that torchvision's alexnet-owt-7be5be79.pth loads by name), returning the activations after the
// five ReLUs (features 1, 4, 7, 9, 11) -- the layers LPIPS compares.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace morphaeus {

class AlexNetFeaturesImpl : public torch::nn::Module {
 public:
  AlexNetFeaturesImpl();
  // x: [N, 3, H, W] (H, W >= 63). Five tensors: 64, 192, 384, 256, 256 channels.
  std::vector<torch::Tensor> forward(const torch::Tensor& x);

 private:
  torch::nn::Sequential features_{nullptr};
};
TORCH_MODULE(AlexNetFeatures);

}  // namespace morphaeus
