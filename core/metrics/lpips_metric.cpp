#include "core/metrics/lpips_metric.h"

#include "core/checkpoint/pretrained.h"

namespace morphaeus {

LpipsMetric::LpipsMetric(const std::string& alexnet_weights, const std::string& lpips_weights,
                         const torch::Device& device, bool normalize)
    : normalize_(normalize) {
  loadPretrained(*net_->trunk(), alexnet_weights,
                 "torchvision's AlexNet ImageNet weights, alexnet-owt-7be5be79.pth "
                 "(https://download.pytorch.org/models/alexnet-owt-7be5be79.pth)");
  // The lpips file holds only lin0..lin4: load them into a module without the trunk's tensors.
  torch::nn::Module lins;
  for (const auto& item : net_->named_children()) {
    if (item.key() != "net") lins.register_module(item.key(), item.value());
  }
  loadPretrained(lins, lpips_weights,
                 "the lpips package's linear layers for AlexNet, weights/v0.1/alex.pth "
                 "(https://github.com/richzhang/PerceptualSimilarity)");
  net_->to(device);
  net_->eval();
}

torch::Tensor LpipsMetric::operator()(const torch::Tensor& a, const torch::Tensor& b) {
  torch::NoGradGuard no_grad;
  return net_->forward(a, b, normalize_).to(torch::kCPU, torch::kDouble);
}

}  // namespace morphaeus
