#include "core/registry/core_components.h"

#include "core/config/key_table.h"
#include "core/losses/beta_vae_loss.h"
#include "core/losses/vae_loss.h"
#include "core/registry/loss_factory.h"
#include "core/registry/registry.h"

namespace morphaeus {

ReconstructionLoss buildLoss(const ConfigNode& loss) {
  const auto& factory = Registry::global().requireFactory<LossFactory>(ComponentKind::Loss, loss);
  const ConfigNode* params = loss.find("params");
  if (params != nullptr && params->isMap()) return factory(*params);
  return factory(ConfigNode::map(loss.where(), loss.path() + ".params"));
}

namespace {

ComponentSpec lossSpec(const char* module, const char* name, std::string summary) {
  ComponentSpec spec;
  spec.kind = ComponentKind::Loss;
  spec.name = {module, name};
  spec.summary = std::move(summary);
  return spec;
}

// A loss of the model's posterior (`scale`, as the model `needs_model` gives it).
ReconstructionLoss posteriorLoss(
    std::string name, PosteriorScale scale, std::string needs_model,
    std::function<torch::Tensor(const LossInputs&, const Posterior&)> score) {
  ReconstructionLoss loss;
  loss.name = std::move(name);
  loss.posterior = scale;
  loss.needs_model = std::move(needs_model);
  loss.score = [score = std::move(score)](const LossInputs& in) {
    return score(in, *in.posterior);
  };
  return loss;
}

const KeyTable<VaeLossOptions>& vaeLossKeys() {
  using O = VaeLossOptions;
  static const KeyTable<O> keys = [] {
    KeyTable<O> k;
    k.number("rec_log_std", &O::rec_log_std).describe("log std of the Gaussian likelihood");
    k.boolean("upstream_sigma", &O::upstream_sigma)
        .describe("score the posterior with std exp(exp(log_std)) as upstream does");
    return k;
  }();
  return keys;
}

const KeyTable<BetaVaeLossOptions>& betaVaeLossKeys() {
  using O = BetaVaeLossOptions;
  static const KeyTable<O> keys = [] {
    KeyTable<O> k;
    k.number("beta", &O::beta).atLeast(0).describe("type H weight");
    k.number("gamma", &O::gamma).atLeast(0).describe("type B weight");
    k.number("max_capacity", &O::max_capacity).atLeast(0).describe("type B final capacity C");
    k.choice("loss_type", {"H", "B"}, &O::loss_type);
    return k;
  }();
  return keys;
}

}  // namespace

void registerLosses(Registry& registry) {
  for (const char* name : {"L1", "L2"}) {
    const bool l1 = name == std::string("L1");
    ComponentSpec spec = lossSpec(
        "optim.losses.ln_losses", name,
        std::string(l1 ? "mean absolute" : "mean squared") + " error of the reconstruction");
    spec.factory = LossFactory([l1, name](const ConfigNode&) {
      ReconstructionLoss loss;
      loss.name = name;
      loss.score = [l1](const LossInputs& in) {
        return l1 ? l1Loss(in.reconstruction, in.target) : l2Loss(in.reconstruction, in.target);
      };
      return loss;
    });
    registry.add(std::move(spec));
  }

  ComponentSpec vae =
      lossSpec("model_zoo.vae_hahn", "VAELoss",
               "VAE loss: KL + Gaussian negative log-likelihood summed per image (with "
               "model_zoo.vae_hahn/VAE)");
  vae.params = vaeLossKeys().schema();
  vae.factory = LossFactory([](const ConfigNode& params) {
    const VaeLossOptions o = vaeLossKeys().read(params);
    return posteriorLoss("VAELoss", PosteriorScale::LogStd, "model_zoo.vae_hahn/VAE",
                         [o](const LossInputs& in, const Posterior& q) {
                           return vaeLoss(q.reconstruction, in.target, q.mu, q.log_scale, o);
                         });
  });
  vae.takes_struct_defaults = [](const ConfigNode& p) { return vaeLossKeys().takesDefaults(p); };
  registry.add(std::move(vae));

  ComponentSpec beta =
      lossSpec("model_zoo.beta_vae_higgings", "VAEHigLoss",
               "beta-VAE loss: MSE + weighted KL (type H) or capacity-annealed |KL - C| (type B)");
  beta.params = betaVaeLossKeys().schema();
  beta.factory = LossFactory([](const ConfigNode& params) {
    const BetaVaeLossOptions o = betaVaeLossKeys().read(params);
    ReconstructionLoss loss = posteriorLoss(
        "VAEHigLoss", PosteriorScale::LogVar, "model_zoo.beta_vae_higgings/BetaVAE_H",
        [o](const LossInputs& in, const Posterior& q) {
          return betaVaeLoss(q.reconstruction, in.target, q.mu, q.log_scale, o, in.step);
        });
    loss.counts_steps = true;
    return loss;
  });
  beta.takes_struct_defaults = [](const ConfigNode& p) {
    return betaVaeLossKeys().takesDefaults(p);
  };
  registry.add(std::move(beta));
}

}  // namespace morphaeus
