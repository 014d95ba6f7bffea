// Components describe themselves: every reconstruction model of the published configs answers
// through the Reconstructor interface (no caller probes its type); the VAE losses are ordinary
// registry entries with the one loss signature; trainers and the evaluator are built from their
// options, and what a trainer refuses is a ConfigError at trainer.params.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/config/config_error.h"
#include "core/config/yaml_loader.h"
#include "core/losses/beta_vae_loss.h"
#include "core/losses/vae_loss.h"
#include "core/registry/loss_factory.h"
#include "core/registry/model_factory.h"
#include "core/train/trainer_factory.h"
#include "models/reconstruction.h"
#include "projects/morphaeus/anomaly_evaluator.h"
#include "projects/morphaeus/trainer_keys.h"
#include "tests/test_support.h"

namespace morphaeus {
namespace {

ConfigNode publishedConfig(const std::string& name) {
  return loadYamlFile(test::sourcePath("projects/morphaeus/configs/cxr/" + name + ".yaml"));
}

TEST(Components, EveryPublishedModelDescribesItself) {
  struct Case {
    const char* config;
    bool samples;
    std::optional<PosteriorScale> posterior;
    bool deformation;
  };
  const Case cases[] = {
      {"ae-s", false, std::nullopt, false},          {"ae-d", false, std::nullopt, false},
      {"vae", false, PosteriorScale::LogStd, false}, {"b-vae", true, PosteriorScale::LogVar, false},
      {"aae", false, std::nullopt, false},           {"si-vae", true, std::nullopt, false},
      {"dae", false, std::nullopt, false},           {"morphaeus", false, std::nullopt, true}};
  torch::manual_seed(0);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.config);
    auto model = buildModel(publishedConfig(c.config).at("model"));
    model->eval();
    Reconstructor* r = asReconstructor(*model);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->reconstructionSamples(), c.samples);
    EXPECT_EQ(r->posteriorScale(), c.posterior);
    torch::NoGradGuard no_grad;
    const torch::Tensor x = torch::rand({2, 1, 128, 128});
    const torch::Tensor rec = reconstruct(*model, x);
    EXPECT_EQ(rec.sizes(), x.sizes());
    const ReconstructionParts parts = reconstructionParts(*model, x);
    EXPECT_EQ(parts.prior.sizes(), x.sizes());
    EXPECT_EQ(parts.deformation.defined(), c.deformation);
    if (c.posterior) {
      const Posterior q = r->posterior(x);
      EXPECT_EQ(q.reconstruction.sizes(), x.sizes());
      EXPECT_EQ(q.mu.sizes(), q.log_scale.sizes());
    }
  }
  torch::nn::Linear other(1, 1);
  EXPECT_EQ(asReconstructor(*other), nullptr);
  EXPECT_THROW(reconstruct(*other, torch::zeros({1, 1})), std::invalid_argument);
}

ConfigNode lossBlock(const std::string& yaml) {
  return loadYamlString(yaml, "loss.yaml");
}

TEST(Components, LossesShareOneSignature) {
  torch::manual_seed(1);
  const auto a = torch::rand({3, 1, 8, 8}), b = torch::rand({3, 1, 8, 8});
  const ReconstructionLoss l1 =
      buildLoss(lossBlock("module_name: optim.losses.ln_losses\nclass_name: L1\n"));
  EXPECT_FALSE(l1.posterior);
  EXPECT_NEAR(l1(a, b).item<double>(), (a - b).abs().mean().item<double>(), 1e-7);
  EXPECT_NEAR(l1(LossInputs{a, b}).item<double>(), l1(a, b).item<double>(), 0);

  // The beta-VAE loss: its params (and their schema defaults) read once by its factory.
  const ReconstructionLoss beta =
      buildLoss(lossBlock("module_name: model_zoo.beta_vae_higgings\nclass_name: VAEHigLoss\n"
                          "params: {loss_type: H, beta: 2}\n"));
  ASSERT_TRUE(beta.posterior);
  EXPECT_EQ(*beta.posterior, PosteriorScale::LogVar);
  EXPECT_TRUE(beta.counts_steps);
  const Posterior q{a, torch::randn({3, 4}), torch::randn({3, 4})};
  BetaVaeLossOptions o;
  o.loss_type = "H";
  o.beta = 2;
  EXPECT_NEAR(beta(LossInputs{a, b, &q, 7}).item<double>(),
              betaVaeLoss(a, b, q.mu, q.log_scale, o, 7).item<double>(), 0);
  EXPECT_THROW(beta(a, b), std::logic_error);  // a posterior loss needs the posterior

  const ReconstructionLoss vae =
      buildLoss(lossBlock("module_name: model_zoo.vae_hahn\nclass_name: VAELoss\n"));
  ASSERT_TRUE(vae.posterior);
  EXPECT_EQ(*vae.posterior, PosteriorScale::LogStd);
  const Posterior v{a, torch::randn({3, 4, 1, 1}), torch::randn({3, 4, 1, 1})};  // VAE's shapes
  EXPECT_NEAR(vae(LossInputs{a, b, &v}).item<double>(),
              vaeLoss(a, b, v.mu, v.log_scale, VaeLossOptions{}).item<double>(), 0);
}

// The published VAE config's trainer with the model swapped for a plain autoencoder: VAELoss
// has no posterior to score there.
TEST(Components, TrainerRefusalsAreConfigErrorsAtTheTrainerParams) {
  const ConfigNode vae = publishedConfig("vae");
  const ConfigNode& trainer = vae.at("trainer");
  TrainerSetup setup;
  setup.run_dir = test::makeTempDir("components");
  setup.model = buildModel(publishedConfig("ae-s").at("model"));
  setup.options = trainerOptions(trainer.at("params"));
  try {
    buildTrainer(std::move(setup), trainer);
    FAIL() << "a VAE loss on a plain autoencoder was accepted";
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("trainer.params"), std::string::npos) << what;
    EXPECT_NE(what.find("VAELoss needs model_zoo.vae_hahn/VAE"), std::string::npos) << what;
  }
}

// The project's keys: parsed once into the trainers' and the evaluator's options, each absent key
// taking the one default its schema field shows (upstream's constructor defaults).
TEST(Components, ProjectKeysHaveOneDefaultEach) {
  const auto params = [](const std::string& extra) {
    return loadYamlString(
        "nr_epochs: 3\nloss: {module_name: optim.losses.ln_losses, class_name: "
        "L2}\noptimizer_params: {lr: 1.0e-3}\n" +
            extra,
        "params.yaml");
  };
  const MorphTrainerOptions m = morphTrainerOptions(params(""));
  EXPECT_EQ(m.perceptual.alfa, 0.0);
  EXPECT_EQ(m.beta_max, 3.0);
  EXPECT_EQ(m.delta, 1.0);
  EXPECT_EQ(m.max_iter, 500);
  EXPECT_NE(morphTrainerSchema().find("max_iter")->text().find("default 500"), std::string::npos);
  try {
    morphTrainerOptions(params("alfa: 0.05\n"));
    FAIL() << "alfa > 0 without vgg_weights was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("vgg19-dcbb9e9d.pth"), std::string::npos) << e.what();
  }

  const ReconstructionTrainerOptions plain = reconstructionTrainerOptions(params(""));
  EXPECT_FALSE(plain.noise);
  const std::string noise =
      "transformer: {module_name: transforms.gaussian_noise, class_name: GaussianNoise";
  const ReconstructionTrainerOptions dae = reconstructionTrainerOptions(params(noise + "}\n"));
  ASSERT_TRUE(dae.noise);
  EXPECT_EQ(dae.noise->noise_std, 0.2);
  EXPECT_EQ(dae.noise->noise_res, 16);
  const ReconstructionTrainerOptions dae8 =
      reconstructionTrainerOptions(params(noise + ", params: {noise_res: 8}}\n"));
  EXPECT_EQ(dae8.noise->noise_res, 8);
  EXPECT_EQ(dae8.noise->noise_std, 0.2);

  const SoftIntroLossOptions si = softIntroOptions(params("input_size: [64, 64]\nbeta_neg: 128\n"));
  EXPECT_DOUBLE_EQ(si.scale, 1.0 / (64 * 64));
  EXPECT_EQ(si.beta_neg, 128.0);
  EXPECT_EQ(si.beta_kl, 1.0);
  EXPECT_EQ(si.gamma_r, 1e-8);

  const AnomalyEvaluatorOptions e = anomalyEvaluatorOptions(
      loadYamlString("params: {score_reduction: max, map_vmax: 0.25}\n", "task.yaml"));
  EXPECT_TRUE(e.scoring.score.use_max);
  EXPECT_EQ(e.scoring.map_vmax, 0.25);
  EXPECT_EQ(e.threshold_percentile, 95.0);
  EXPECT_EQ(e.example_images, 4);
  EXPECT_TRUE(e.compute_scores);
  EXPECT_THROW(
      anomalyEvaluatorOptions(loadYamlString("params: {lpips_weights: alex.pth}\n", "task.yaml")),
      ConfigError);
}

}  // namespace
}  // namespace morphaeus
