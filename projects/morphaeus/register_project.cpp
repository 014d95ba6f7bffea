// Registers the MorphAEus project's trainer and evaluator under their upstream names.
// This file is compiled into an OBJECT library so that its registrar always runs.
#include "core/registry/registry.h"
#include "core/train/trainer_options.h"
#include "projects/morphaeus/aae_trainer.h"
#include "projects/morphaeus/anomaly_evaluator.h"
#include "projects/morphaeus/morph_trainer.h"
#include "projects/morphaeus/reconstruction_trainer.h"
#include "projects/morphaeus/soft_intro_trainer.h"

namespace morphaeus {
namespace {

// The MorphAEus project's own trainer keys, after the base trainer's loss (core/train).
void projectKeys(Schema& p) {
  p.number("alfa").atLeast(0).describe("perceptual-loss weight (0 = no VGG19 needed)");
  p.number("beta").atLeast(0).describe("final weight of the deformation regulariser");
  p.number("delta").atLeast(0).describe("weight of the morphology term from epoch 11");
  p.integer("max_iter").atLeast(1).describe("epochs over which beta ramps up");
  p.inputPath("vgg_weights").describe("torchvision vgg19-dcbb9e9d.pth for the perceptual loss");
  Schema noise;
  noise.number("noise_std").atLeast(0).describe("default 0.2");
  noise.integer("noise_res").atLeast(1).describe("default 16");
  Schema transformer;
  transformer.enumeration("module_name", {"transforms.gaussian_noise"}).require();
  transformer.enumeration("class_name", {"GaussianNoise"}).require();
  transformer.map("params", noise);
  p.map("transformer", transformer)
      .describe("training-input noise of the DAE (the reconstruction target stays clean)");
}

Schema trainerParams() {
  return trainerSchema(projectKeys);
}

Schema softIntroParams() {
  Schema p = trainerParams();
  p.number("beta_rec").atLeast(0).describe("reconstruction weight (default 1)");
  p.number("beta_kl").atLeast(0).describe("KL weight of real images (default 1)");
  p.number("beta_neg").atLeast(0).describe("KL weight of generated images (default 256)");
  p.number("gamma_r").atLeast(0).describe("weight of the decoder's cycle terms (default 1e-8)");
  return p;
}

template <class T>
ComponentSpec trainerSpec(std::string module, std::string summary, Schema params) {
  ComponentSpec spec;
  spec.trains_in_train_mode = T::kUpstreamTrainMode;
  spec.kind = ComponentKind::Trainer;
  spec.name = {"projects.23_morphaeus." + module, "PTrainer"};
  spec.aliases = {{"projects.morphaeus." + module, "PTrainer"}};
  spec.summary = std::move(summary);
  spec.params = std::move(params);
  spec.factory = TrainerFactory([](TrainerSetup setup) -> std::unique_ptr<Trainer> {
    return std::make_unique<T>(std::move(setup));
  });
  return spec;
}

void registerProject(Registry& registry) {
  registry.add(trainerSpec<MorphTrainer>(
      "MorphTrainer",
      "MorphAEus trainer: prior MSE + perceptual loss, NCC morphology term from epoch 11",
      trainerParams()));
  registry.add(trainerSpec<ReconstructionTrainer>(
      "Trainer",
      "autoencoder baselines: the configured loss (L1/L2) of reconstruction against input",
      trainerParams()));
  registry.add(trainerSpec<AaeTrainer>(
      "AAETrainer", "AAE (GPND): D, G, ZD and E+G Adam steps per batch, lr / 4 every 90 epochs",
      trainerParams()));
  registry.add(trainerSpec<SoftIntroTrainer>(
      "SIVAETrainer", "Soft-Intro VAE: encoder and decoder steps with their own Adam optimisers",
      softIntroParams()));

  ComponentSpec evaluator;
  evaluator.kind = ComponentKind::Evaluator;
  evaluator.name = {"projects.23_morphaeus.DownstreamEvaluator", "PDownstreamEvaluator"};
  evaluator.aliases = {{"projects.morphaeus.DownstreamEvaluator", "PDownstreamEvaluator"}};
  evaluator.summary = "anomaly detection: mean |reconstruction - x| scores, AUROC/AUPRC/FPR, SSIM";
  evaluator.params.enumeration("score_reduction", {"mean", "max"})
      .describe("of |rec - x| per image (default mean)");
  evaluator.params.number("smoothing_sigma")
      .atLeast(0)
      .describe("Gaussian smoothing of |rec - x| first (default 0)");
  evaluator.params.number("threshold_percentile")
      .between(0, 100)
      .describe(
          "normal/abnormal threshold: this percentile of the normal validation scores (default "
          "95)");
  evaluator.params.boolean("save_maps")
      .describe("write every anomaly map as maps/<dataset>/*.npy (+ colour .png)");
  evaluator.params.number("map_vmax")
      .atLeast(1e-6)
      .describe("anomaly value shown as the hottest colour (default 0.5)");
  evaluator.params.boolean("figures").describe(
      "ROC/PR curves and example sheets as PNG (default true)");
  evaluator.params.integer("example_images")
      .atLeast(0)
      .describe("images per example sheet (default 4; 0 = none)");
  evaluator.params.inputPath("lpips_alexnet_weights")
      .describe("LPIPS (optional, with lpips_weights): torchvision's alexnet-owt-7be5be79.pth");
  evaluator.params.inputPath("lpips_weights")
      .describe("LPIPS (optional): the lpips package's weights/v0.1/alex.pth");
  evaluator.params.boolean("lpips_normalize")
      .describe("rescale [0, 1] to [-1, 1] before LPIPS (default false: as upstream calls it)");
  evaluator.factory = EvaluatorFactory([](EvaluationSetup setup) -> std::unique_ptr<Evaluator> {
    return std::make_unique<AnomalyEvaluator>(std::move(setup));
  });
  registry.add(std::move(evaluator));
}

[[maybe_unused]] const bool registered = (registerProject(Registry::global()), true);

}  // namespace
}  // namespace morphaeus
