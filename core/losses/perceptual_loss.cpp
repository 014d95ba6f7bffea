#include "core/losses/perceptual_loss.h"

#include "core/checkpoint/pretrained.h"

namespace morphaeus {

PerceptualLoss::PerceptualLoss(const std::string& vgg_weights, const torch::Device& device) {
  loadPretrained(*net_, vgg_weights,
                 "torchvision's VGG19 ImageNet weights, vgg19-dcbb9e9d.pth "
                 "(https://download.pytorch.org/models/vgg19-dcbb9e9d.pth); set "
                 "trainer.params.vgg_weights to its "
                 "path, or trainer.params.alfa: 0 to train without the perceptual loss");
  net_->to(device);
}

std::unique_ptr<PerceptualLoss> perceptualLossFor(const ConfigNode& params,
                                                  const torch::Device& device) {
  if (params.getDouble("alfa", 0.0) <= 0) return nullptr;
  if (!params.has("vgg_weights")) {
    throw params.error(
        "alfa > 0 needs VGG19 weights: download torchvision's vgg19-dcbb9e9d.pth and set "
        "trainer.params.vgg_weights to its path, or set trainer.params.alfa: 0");
  }
  return std::make_unique<PerceptualLoss>(params.at("vgg_weights").asString(), device);
}

torch::Tensor PerceptualLoss::operator()(const torch::Tensor& input, const torch::Tensor& target) {
  if (input.scalar_type() != dtype_) {
    dtype_ = input.scalar_type();
    net_->to(dtype_);
  }
  // Grey images go in as one channel (VGG19Features folds conv1_1 over the repeated channels).
  std::vector<torch::Tensor> target_features;
  {
    torch::NoGradGuard no_grad;
    target_features = net_->forward(target);
  }
  const auto input_features = net_->forward(input);
  torch::Tensor loss = torch::zeros({}, input.options());
  for (std::size_t i = 0; i < input_features.size(); ++i) {
    loss = loss + torch::mse_loss(input_features[i], target_features[i]);
  }
  return loss;
}

}  // namespace morphaeus
