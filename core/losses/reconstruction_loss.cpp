#include "core/losses/reconstruction_loss.h"

namespace morphaeus {

torch::Tensor l1Loss(const torch::Tensor& pred, const torch::Tensor& target) {
  return torch::l1_loss(pred, target);
}

torch::Tensor l2Loss(const torch::Tensor& pred, const torch::Tensor& target) {
  return torch::mse_loss(pred, target);
}

}  // namespace morphaeus
