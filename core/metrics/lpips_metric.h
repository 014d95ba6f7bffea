// LPIPS (AlexNet, v0.1) of reconstructions against inputs, for the evaluator: optional, and only
// with weights the user supplies -- torchvision's alexnet-owt-7be5be79.pth for the trunk and the
// lpips package's weights/v0.1/alex.pth for the linear layers (no download at run time).
#pragma once

#include <torch/torch.h>

#include <string>

#include "models/lpips.h"

namespace morphaeus {

class LpipsMetric {
 public:
  // Throws CheckpointError naming a missing or unfit file.
  // normalize: the lpips package's normalize flag (false as upstream's evaluator; true rescales
  // [0, 1] to [-1, 1], the range the package's weights were fitted on).
  LpipsMetric(const std::string& alexnet_weights, const std::string& lpips_weights,
              const torch::Device& device, bool normalize = false);
  // a, b: [N, 1, H, W] in [0, 1]. Returns [N] double on the CPU.
  torch::Tensor operator()(const torch::Tensor& a, const torch::Tensor& b);

 private:
  Lpips net_;
  bool normalize_;
};

}  // namespace morphaeus
