#include "core/losses/reconstruction_loss.h"
#include "core/registry/core_components.h"
#include "core/registry/registry.h"

namespace morphaeus {

void registerLosses(Registry& registry) {
  // The VAE losses need the posterior: the reconstruction trainer applies them itself.
  const LossFactory posteriorLoss = LossFactory([]() -> ReconstructionLoss {
    return [](const torch::Tensor&, const torch::Tensor&) -> torch::Tensor {
      throw std::logic_error(
          "VAELoss needs the VAE's posterior: the reconstruction trainer applies it");
    };
  });
  for (const char* name : {"L1", "L2"}) {
    ComponentSpec spec;
    spec.kind = ComponentKind::Loss;
    spec.name = {"optim.losses.ln_losses", name};
    spec.summary = std::string(name == std::string("L1") ? "mean absolute" : "mean squared") +
                   " error of the reconstruction";
    const bool l1 = name == std::string("L1");
    spec.factory = LossFactory([l1]() -> ReconstructionLoss { return l1 ? l1Loss : l2Loss; });
    registry.add(std::move(spec));
  }
  ComponentSpec vae;
  vae.kind = ComponentKind::Loss;
  vae.name = {"model_zoo.vae_hahn", "VAELoss"};
  vae.summary =
      "VAE loss: KL + Gaussian negative log-likelihood summed per image (with "
      "model_zoo.vae_hahn/VAE)";
  vae.params.number("rec_log_std").describe("log std of the Gaussian likelihood (default 0)");
  vae.params.boolean("upstream_sigma")
      .describe("score the posterior with std exp(exp(log_std)) as upstream does (default true)");
  vae.factory = posteriorLoss;
  registry.add(std::move(vae));

  ComponentSpec beta;
  beta.kind = ComponentKind::Loss;
  beta.name = {"model_zoo.beta_vae_higgings", "VAEHigLoss"};
  beta.summary = "beta-VAE loss: MSE + weighted KL (type H) or capacity-annealed |KL - C| (type B)";
  beta.params.number("beta").atLeast(0).describe("type H weight (default 4)");
  beta.params.number("gamma").atLeast(0).describe("type B weight (default 10)");
  beta.params.number("max_capacity").atLeast(0).describe("type B final capacity C (default 25)");
  beta.params.enumeration("loss_type", {"H", "B"}).describe("default B");
  beta.factory = posteriorLoss;
  registry.add(std::move(beta));
}

}  // namespace morphaeus
