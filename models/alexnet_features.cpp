#include "models/alexnet_features.h"

namespace morphaeus {

AlexNetFeaturesImpl::AlexNetFeaturesImpl() {
  namespace nn = torch::nn;
  auto pool = [] { return nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(2)); };
  features_ = register_module(
      "features",
      nn::Sequential(nn::Conv2d(nn::Conv2dOptions(3, 64, 11).stride(4).padding(2)), nn::ReLU(),
                     pool(), nn::Conv2d(nn::Conv2dOptions(64, 192, 5).padding(2)), nn::ReLU(),
                     pool(), nn::Conv2d(nn::Conv2dOptions(192, 384, 3).padding(1)), nn::ReLU(),
                     nn::Conv2d(nn::Conv2dOptions(384, 256, 3).padding(1)), nn::ReLU(),
                     nn::Conv2d(nn::Conv2dOptions(256, 256, 3).padding(1)), nn::ReLU()));
}

std::vector<torch::Tensor> AlexNetFeaturesImpl::forward(const torch::Tensor& x) {
  static const int64_t kTaps[] = {1, 4, 7, 9, 11};
  std::vector<torch::Tensor> out;
  torch::Tensor h = x;
  int64_t index = 0;
  for (auto& layer : *features_) {
    h = layer.forward(h);
    if (out.size() < 5 && index == kTaps[out.size()]) out.push_back(h);
    ++index;
  }
  return out;
}

}  // namespace morphaeus
