#include "core/losses/reconstruction_loss.h"

#include "core/base/mixed_precision.h"

namespace morphaeus {

torch::Tensor l1Loss(const torch::Tensor& pred, const torch::Tensor& target) {
  return torch::l1_loss(fullPrecision(pred), fullPrecision(target));
}

torch::Tensor l2Loss(const torch::Tensor& pred, const torch::Tensor& target) {
  return torch::mse_loss(fullPrecision(pred), fullPrecision(target));
}

}  // namespace morphaeus
