// Activations as the upstream code builds them.
#pragma once

#include <torch/torch.h>

#include <string>

namespace morphaeus {

enum class ActivationKind { Swish, ReLU, LeakyReLU };

struct Activation {
  ActivationKind kind = ActivationKind::Swish;
  double negative_slope = 0.01;  // LeakyReLU only

  torch::Tensor operator()(const torch::Tensor& x) const;
};

// Encoder/decoder activations: "relu", "leakyrelu" (upstream writes nn.LeakyReLU(True), i.e.
// negative_slope = 1.0: the identity -- reproduced), anything else swish (x * sigmoid(x)).
Activation autoencoderActivation(const std::string& name);
// Deformer activations: "relu", "leakyrelu" (slope 0.2), anything else swish.
Activation deformerActivation(const std::string& name);

}  // namespace morphaeus
