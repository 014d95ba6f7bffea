#include "models/vgg19_features.h"

#include <algorithm>

namespace morphaeus {

VGG19FeaturesImpl::VGG19FeaturesImpl(std::vector<int64_t> taps) : taps_(std::move(taps)) {
  std::sort(taps_.begin(), taps_.end());
  // torchvision's cfg "E": channels per conv, 0 = max pool.
  const int64_t cfg[] = {64,  64,  0,   128, 128, 0,   256, 256, 256, 256, 0,
                         512, 512, 512, 512, 0,   512, 512, 512, 512, 0};
  features_ = register_module("features", torch::nn::Sequential());
  int64_t in = 3, index = 0;
  for (int64_t c : cfg) {
    if (index > taps_.back()) break;
    if (c == 0) {
      features_->push_back(std::to_string(index++),
                           torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2).stride(2)));
      continue;
    }
    features_->push_back(std::to_string(index++),
                         torch::nn::Conv2d(torch::nn::Conv2dOptions(in, c, 3).padding(1)));
    // In place: a conv's backward needs its input, not its output.
    features_->push_back(std::to_string(index++),
                         torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)));
    in = c;
  }
}

std::vector<torch::Tensor> VGG19FeaturesImpl::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> out;
  torch::Tensor h = x;
  std::size_t next = 0;
  int64_t index = 0;
  for (auto& layer : *features_) {
    if (index == 0 && x.size(1) == 1) {
      // A grey image stands for three equal channels: conv1_1 with its weights summed over the
      // input channels gives the same result without the repeat (up to float rounding).
      auto* conv = layer.ptr()->as<torch::nn::Conv2d>();
      h = torch::conv2d(x, conv->weight.sum(1, /*keepdim=*/true), conv->bias, 1, 1);
    } else {
      h = layer.forward(h);
    }
    if (next < taps_.size() && index == taps_[next]) {
      out.push_back(layer.ptr()->as<torch::nn::Conv2d>() ? h.clone() : h);
      if (++next == taps_.size()) break;
    }
    ++index;
  }
  return out;
}

}  // namespace morphaeus
