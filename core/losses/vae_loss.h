// The VAE loss of upstream model_zoo/vae_hahn.py (VAELoss, from MIC-DKFZ's vae-anomaly-
// experiments): per image, the summed KL divergence of the posterior N(mu, sigma) from N(0, 1)
// minus the summed log-likelihood log N(reconstruction; x, exp(rec_log_std)); mean over the batch.
//
// Upstream defect (docs/METHOD.md section 7): the model hands sigma = exp(log_std) to the loss
// under the name z_logvar and the loss exponentiates it again, i.e. the posterior it scores has
// standard deviation exp(exp(log_std)). `upstream_sigma` = true (the default) reproduces that;
// false scores the posterior the model sampled from.
#pragma once

#include <torch/torch.h>

namespace morphaeus {

struct VaeLossOptions {
  double rec_log_std = 0;
  bool upstream_sigma = true;
};

torch::Tensor vaeLoss(const torch::Tensor& reconstruction, const torch::Tensor& x,
                      const torch::Tensor& mu, const torch::Tensor& log_std,
                      const VaeLossOptions& options);

}  // namespace morphaeus
