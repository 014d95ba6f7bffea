#include "models/activation.h"

namespace morphaeus {

torch::Tensor Activation::operator()(const torch::Tensor& x) const {
  switch (kind) {
    case ActivationKind::Swish:
      return torch::silu(x);  // x * sigmoid(x) in one fused pass (and one for the backward)
    case ActivationKind::ReLU:
      return torch::relu(x);
    case ActivationKind::LeakyReLU:
      return negative_slope == 1.0 ? x : torch::leaky_relu(x, negative_slope);
  }
  return x;
}

Activation autoencoderActivation(const std::string& name) {
  if (name == "relu") return {ActivationKind::ReLU, 0.0};
  if (name == "leakyrelu") return {ActivationKind::LeakyReLU, 1.0};
  return {ActivationKind::Swish, 0.0};
}

Activation deformerActivation(const std::string& name) {
  if (name == "relu") return {ActivationKind::ReLU, 0.0};
  if (name == "leakyrelu") return {ActivationKind::LeakyReLU, 0.2};
  return {ActivationKind::Swish, 0.0};
}

}  // namespace morphaeus
