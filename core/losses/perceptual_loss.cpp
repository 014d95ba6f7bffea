#include "core/losses/perceptual_loss.h"

#include <filesystem>

#include "core/checkpoint/checkpoint.h"
#include "core/checkpoint/checkpoint_error.h"

namespace morphaeus {

PerceptualLoss::PerceptualLoss(const std::string& vgg_weights, const torch::Device& device) {
  if (!std::filesystem::exists(vgg_weights)) {
    throw CheckpointError(vgg_weights,
                          "VGG19 weights not found: download torchvision's vgg19-dcbb9e9d.pth "
                          "(https://download.pytorch.org/models/vgg19-dcbb9e9d.pth) and set "
                          "trainer.params.vgg_weights to its path, or set trainer.params.alfa: 0 to "
                          "train without the perceptual loss");
  }
  const Checkpoint file = readCheckpoint(vgg_weights);
  // The file holds the whole network (classifier and deeper layers too): load what we use.
  loadStateDict(*net_, file.model_weights, vgg_weights, /*strict=*/false);
  for (const auto& [name, t] : stateDict(*net_)) {
    bool found = false;
    for (const auto& [n, v] : file.model_weights) found |= n == name;
    if (!found) throw CheckpointError(vgg_weights, "no " + name + ": not a torchvision VGG19 file");
  }
  net_->to(device);
  net_->eval();
  for (auto& p : net_->parameters()) p.set_requires_grad(false);
}

torch::Tensor PerceptualLoss::operator()(const torch::Tensor& input, const torch::Tensor& target) {
  auto rgb = [](const torch::Tensor& t) { return t.size(1) == 1 ? t.repeat({1, 3, 1, 1}) : t; };
  std::vector<torch::Tensor> target_features;
  {
    torch::NoGradGuard no_grad;
    target_features = net_->forward(rgb(target));
  }
  const auto input_features = net_->forward(rgb(input));
  torch::Tensor loss = torch::zeros({}, input.options());
  for (std::size_t i = 0; i < input_features.size(); ++i) {
    loss = loss + torch::mse_loss(input_features[i], target_features[i]);
  }
  return loss;
}

}  // namespace morphaeus
