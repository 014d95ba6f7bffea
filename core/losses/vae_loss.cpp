#include "core/losses/vae_loss.h"

#include <cmath>

namespace morphaeus {

torch::Tensor vaeLoss(const torch::Tensor& reconstruction, const torch::Tensor& x,
                      const torch::Tensor& mu, const torch::Tensor& log_std,
                      const VaeLossOptions& o) {
  const double rec_std = std::exp(o.rec_log_std);
  // log N(reconstruction; x, rec_std), summed per image.
  const auto log_p = (-(reconstruction - x).pow(2) / (2 * rec_std * rec_std) - std::log(rec_std) -
                      0.5 * std::log(2 * M_PI))
                         .sum({1, 2, 3});
  const auto sigma = o.upstream_sigma ? log_std.exp().exp() : log_std.exp();
  // KL(N(mu, sigma) || N(0, 1)) as torch.distributions computes it, summed per image.
  const auto var = sigma.pow(2);
  const auto kl = (0.5 * (var + mu.pow(2) - 1 - var.log())).sum({1, 2, 3});
  return (kl - log_p).mean();
}

}  // namespace morphaeus
