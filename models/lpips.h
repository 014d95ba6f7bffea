// LPIPS v0.1 with the AlexNet trunk (Zhang et al. 2018; the `lpips` package's LPIPS(net='alex')),
// as upstream's evaluator calls it (lpips.LPIPS(net='alex')(x, rec) on [H, W] images in [0, 1]):
// normalize=False, i.e. the [0, 1] values go into the package's scaling layer as they are (the
// package expects [-1, 1]; `normalize = true` rescales 2x - 1 first), grey broadcast to 3
// channels, unit-normalised features of the five ReLU
// layers, squared differences weighted per channel by lin0..lin4 (1x1 convs without bias, names
// lin<k>.model.1.weight as in the package's alex.pth), spatial means, summed over the layers.
#pragma once

#include <torch/torch.h>

#include "models/alexnet_features.h"

namespace morphaeus {

class LpipsImpl : public torch::nn::Module {
 public:
  LpipsImpl();
  // a, b: [N, 1 or 3, H, W] in [0, 1]. Returns [N]: the distance per image.
  torch::Tensor forward(const torch::Tensor& a, const torch::Tensor& b, bool normalize = false);
  AlexNetFeatures& trunk() { return net_; }

 private:
  AlexNetFeatures net_{nullptr};
  std::vector<torch::nn::Sequential> lins_;
};
TORCH_MODULE(Lpips);

}  // namespace morphaeus
