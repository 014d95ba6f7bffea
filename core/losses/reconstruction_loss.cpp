#include "core/losses/reconstruction_loss.h"

#include <stdexcept>

#include "core/base/mixed_precision.h"

namespace morphaeus {

torch::Tensor ReconstructionLoss::operator()(const torch::Tensor& pred,
                                             const torch::Tensor& target) const {
  if (posterior) {
    throw std::logic_error(name + " needs the posterior of " + needs_model +
                           ": the reconstruction trainer applies it");
  }
  return score(LossInputs{pred, target});
}

torch::Tensor l1Loss(const torch::Tensor& pred, const torch::Tensor& target) {
  return torch::l1_loss(fullPrecision(pred), fullPrecision(target));
}

torch::Tensor l2Loss(const torch::Tensor& pred, const torch::Tensor& target) {
  return torch::mse_loss(fullPrecision(pred), fullPrecision(target));
}

}  // namespace morphaeus
