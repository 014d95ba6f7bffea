// Pixel reconstruction losses (upstream optim.losses.ln_losses L1 / L2): mean over all elements.
#pragma once

#include <torch/torch.h>

#include <functional>

namespace morphaeus {

using ReconstructionLoss = std::function<torch::Tensor(const torch::Tensor& pred, const torch::Tensor& target)>;
// The registry factory of a loss component.
using LossFactory = std::function<ReconstructionLoss()>;

torch::Tensor l1Loss(const torch::Tensor& pred, const torch::Tensor& target);
torch::Tensor l2Loss(const torch::Tensor& pred, const torch::Tensor& target);

}  // namespace morphaeus
