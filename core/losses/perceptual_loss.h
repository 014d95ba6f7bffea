// Perceptual loss (upstream PerceptualLoss): the sum over VGG19 layers 1, 6, 11, 20 of the MSE
// between the features of input and target; grey inputs are repeated to 3 channels, no ImageNet
// normalisation. The VGG weights come from torchvision's ImageNet file (vgg19-dcbb9e9d.pth) and
// are frozen; the target's features are computed without autograd. The loss value and the
// gradients for the input are those of upstream, with less work.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

#include "models/vgg19_features.h"

namespace morphaeus {

class PerceptualLoss;

// The trainer keys alfa (its weight; 0 = no perceptual loss) and vgg_weights (needed when
// alfa > 0: the option parser says so at the key).
struct PerceptualLossOptions {
  double alfa = 0;
  std::string vgg_weights;
};

// Null when alfa is 0.
std::unique_ptr<PerceptualLoss> perceptualLossFor(const PerceptualLossOptions& options,
                                                  const torch::Device& device);

class PerceptualLoss {
 public:
  // Throws CheckpointError naming the file when it is missing or does not fit VGG19.
  PerceptualLoss(const std::string& vgg_weights, const torch::Device& device);
  // The loss follows its input's dtype (VGG is converted on first use, e.g. for float64 checks).
  torch::Tensor operator()(const torch::Tensor& input, const torch::Tensor& target);
  torch::nn::Module& network() { return *net_; }

 private:
  VGG19Features net_;
  torch::ScalarType dtype_ = torch::kFloat;  // of net_'s weights
};

}  // namespace morphaeus
