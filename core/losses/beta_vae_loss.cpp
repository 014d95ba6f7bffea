#include "core/losses/beta_vae_loss.h"

#include <algorithm>

namespace morphaeus {

torch::Tensor betaVaeLoss(const torch::Tensor& reconstruction, const torch::Tensor& x,
                          const torch::Tensor& mu, const torch::Tensor& logvar,
                          const BetaVaeLossOptions& o, int64_t iteration) {
  constexpr double kKldWeight = 0.008;  // upstream's 64 / 8000
  const auto rec = torch::mse_loss(reconstruction, x);
  const auto kld = (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)).mean(0);
  if (o.loss_type == "H") return rec + o.beta * kKldWeight * kld;
  const double c = std::clamp(
      o.max_capacity / o.capacity_iterations * static_cast<double>(iteration), 0.0, o.max_capacity);
  return rec + o.gamma * kKldWeight * (kld - c).abs();
}

}  // namespace morphaeus
