#include "core/losses/perceptual_loss.h"

#include "core/base/mixed_precision.h"
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

std::unique_ptr<PerceptualLoss> perceptualLossFor(const PerceptualLossOptions& options,
                                                  const torch::Device& device) {
  if (options.alfa <= 0) return nullptr;
  return std::make_unique<PerceptualLoss>(options.vgg_weights, device);
}

torch::Tensor PerceptualLoss::operator()(const torch::Tensor& input, const torch::Tensor& target) {
  // VGG's weights follow float32/float64 inputs; bf16 inputs come from an autocast region, where
  // the weights stay float32 and autocast runs the convolutions in bf16.
  const torch::ScalarType dtype = fullPrecision(input).scalar_type();
  if (dtype != dtype_) {
    dtype_ = dtype;
    net_->to(dtype_);
  }
  // Grey images go in as one channel (VGG19Features folds conv1_1 over the repeated channels).
  std::vector<torch::Tensor> target_features;
  {
    torch::NoGradGuard no_grad;
    target_features = net_->forward(target);
  }
  const auto input_features = net_->forward(input);
  torch::Tensor loss = torch::zeros({}, input.options().dtype(dtype_));
  for (std::size_t i = 0; i < input_features.size(); ++i) {
    loss =
        loss + torch::mse_loss(fullPrecision(input_features[i]), fullPrecision(target_features[i]));
  }
  return loss;
}

}  // namespace morphaeus
