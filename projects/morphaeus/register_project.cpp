// Registers the MorphAEus project's trainer and evaluator under their upstream names.
// This file is compiled into an OBJECT library so that its registrar always runs.
#include <functional>
#include <string>
#include <tuple>

#include "core/registry/registry.h"
#include "core/registry/struct_defaults.h"
#include "core/train/trainer_factory.h"
#include "projects/morphaeus/aae_trainer.h"
#include "projects/morphaeus/anomaly_evaluator.h"
#include "projects/morphaeus/morph_trainer.h"
#include "projects/morphaeus/reconstruction_trainer.h"
#include "projects/morphaeus/soft_intro_trainer.h"
#include "projects/morphaeus/trainer_keys.h"

namespace morphaeus {
namespace {

// `build(setup, params)` parses the trainer's own keys and constructs it; `own_defaults` is the
// takes_struct_defaults check of those keys (the base trainer's keys are checked with them).
template <class T, class Build>
ComponentSpec trainerSpec(std::string module, std::string summary, Schema params, Build build,
                          std::function<bool(const ConfigNode&)> own_defaults) {
  ComponentSpec spec;
  spec.trains_in_train_mode = T::kUpstreamTrainMode;
  spec.kind = ComponentKind::Trainer;
  spec.name = {"projects.23_morphaeus." + module, "PTrainer"};
  spec.aliases = {{"projects.morphaeus." + module, "PTrainer"}};
  spec.summary = std::move(summary);
  spec.params = std::move(params);
  spec.factory = trainerFactory(build);
  spec.takes_struct_defaults = [own_defaults](const ConfigNode& params) {
    return trainerTakesStructDefaults(params) && own_defaults(params);
  };
  return spec;
}

// A trainer whose own keys `options(params)` parses.
template <class T, class Options>
auto withOptions(Options (*options)(const ConfigNode&)) {
  return [options](TrainerSetup setup, const ConfigNode& params) -> std::unique_ptr<Trainer> {
    return std::make_unique<T>(std::move(setup), options(params));
  };
}

void registerProject(Registry& registry) {
  registry.add(trainerSpec<MorphTrainer>(
      "MorphTrainer",
      "MorphAEus trainer: prior MSE + perceptual loss, NCC morphology term from epoch " +
          std::to_string(MorphTrainerOptions{}.morphology_after_epoch + 2),  // counted from 1
      morphTrainerSchema(), withOptions<MorphTrainer>(morphTrainerOptions),
      takesStructDefaults<MorphTrainerOptions>(
          morphTrainerOptions, [](const MorphTrainerOptions& o) {
            return std::tie(o.perceptual.alfa, o.beta_max, o.delta, o.max_iter);
          })));
  registry.add(trainerSpec<ReconstructionTrainer>(
      "Trainer",
      "autoencoder baselines: the configured loss (L1/L2) of reconstruction against input",
      reconstructionTrainerSchema(),
      withOptions<ReconstructionTrainer>(reconstructionTrainerOptions),
      takesStructDefaults<ReconstructionTrainerOptions>(
          reconstructionTrainerOptions, [](const ReconstructionTrainerOptions& o) {
            const CoarseNoiseOptions noise = o.noise.value_or(CoarseNoiseOptions{});
            return std::make_tuple(o.perceptual.alfa, noise.noise_std, noise.noise_res);
          })));
  registry.add(trainerSpec<AaeTrainer>(
      "AAETrainer", "AAE (GPND): D, G, ZD and E+G Adam steps per batch, lr / 4 every 90 epochs",
      aaeTrainerSchema(),
      [](TrainerSetup setup, const ConfigNode&) -> std::unique_ptr<Trainer> {
        return std::make_unique<AaeTrainer>(std::move(setup));
      },
      [](const ConfigNode&) { return true; }));
  registry.add(trainerSpec<SoftIntroTrainer>(
      "SIVAETrainer", "Soft-Intro VAE: encoder and decoder steps with their own Adam optimisers",
      softIntroTrainerSchema(), withOptions<SoftIntroTrainer>(softIntroOptions),
      takesStructDefaults<SoftIntroLossOptions>(
          softIntroOptions, [](const SoftIntroLossOptions& o) {
            return std::tie(o.beta_rec, o.beta_kl, o.beta_neg, o.gamma_r);
          })));

  ComponentSpec evaluator;
  evaluator.kind = ComponentKind::Evaluator;
  evaluator.name = {"projects.23_morphaeus.DownstreamEvaluator", "PDownstreamEvaluator"};
  evaluator.aliases = {{"projects.morphaeus.DownstreamEvaluator", "PDownstreamEvaluator"}};
  evaluator.summary = "anomaly detection: mean |reconstruction - x| scores, AUROC/AUPRC/FPR, SSIM";
  const AnomalyEvaluatorOptions d;
  evaluator.params.enumeration("score_reduction", {"mean", "max"})
      .describe("of |rec - x| per image")
      .byDefault(d.scoring.score.use_max ? "max" : "mean");
  evaluator.params.number("smoothing_sigma")
      .atLeast(0)
      .describe("Gaussian smoothing of |rec - x| first")
      .byDefault(d.scoring.score.smoothing_sigma);
  evaluator.params.enumeration("precision", precisionNames(false))
      .describe(
          "the reconstruction's arithmetic: bf16 (autocast, channels_last; scores in float32), "
          "auto (bf16 where the CPU has AMX-BF16/AVX512-BF16 or the GPU sm_80+), fp32")
      .byDefault(precisionName(d.scoring.score.precision));
  evaluator.params.number("threshold_percentile")
      .between(0, 100)
      .describe("normal/abnormal threshold: this percentile of the normal validation scores")
      .byDefault(d.threshold_percentile);
  evaluator.params.boolean("save_maps")
      .describe("write every anomaly map as maps/<dataset>/*.npy (+ colour .png)")
      .byDefault(d.save_maps);
  evaluator.params.number("map_vmax")
      .atLeast(1e-6)
      .describe("anomaly value shown as the hottest colour")
      .byDefault(d.scoring.map_vmax);
  evaluator.params.boolean("figures")
      .describe("ROC/PR curves and example sheets as PNG")
      .byDefault(d.figures);
  evaluator.params.integer("example_images")
      .atLeast(0)
      .describe("images per example sheet (0 = none)")
      .byDefault(d.example_images);
  evaluator.params.inputPath("lpips_alexnet_weights")
      .describe("LPIPS (optional, with lpips_weights): torchvision's alexnet-owt-7be5be79.pth");
  evaluator.params.inputPath("lpips_weights")
      .describe("LPIPS (optional): the lpips package's weights/v0.1/alex.pth");
  evaluator.params.boolean("lpips_normalize")
      .describe("rescale [0, 1] to [-1, 1] before LPIPS (false: as upstream calls it)")
      .byDefault(d.lpips_normalize);
  evaluator.params.integer("interval_resamples")
      .between(0, 1000000)
      .describe(
          "bootstrap resamples of the 95% intervals (0 = none; the paper's 5-seed "
          "bootstrap is always reported)")
      .byDefault(d.intervals.resamples);
  evaluator.params.integer("interval_seed")
      .between(0, 4294967295LL)
      .describe("seed of the intervals' resamples (NumPy's legacy generator)")
      .byDefault(static_cast<int64_t>(d.intervals.seed));
  evaluator.params.number("interval_level")
      .between(0.5, 0.999)
      .describe("coverage of the percentile bootstrap intervals")
      .byDefault(d.intervals.level);
  evaluator.factory = EvaluatorFactory(
      [](EvaluationSetup setup, const ConfigNode& task) -> std::unique_ptr<Evaluator> {
        return std::make_unique<AnomalyEvaluator>(std::move(setup), anomalyEvaluatorOptions(task));
      });
  evaluator.takes_struct_defaults = takesStructDefaults<AnomalyEvaluatorOptions>(
      [](const ConfigNode& params) {
        ConfigNode task = ConfigNode::map(params.where(), "task");
        task.set("params", params);
        return anomalyEvaluatorOptions(task);
      },
      [](const AnomalyEvaluatorOptions& o) {
        return std::tie(o.scoring.score.use_max, o.scoring.score.smoothing_sigma,
                        o.scoring.score.precision, o.threshold_percentile, o.save_maps,
                        o.scoring.map_vmax, o.figures, o.example_images, o.lpips_normalize,
                        o.intervals.resamples, o.intervals.seed, o.intervals.level);
      });
  registry.add(std::move(evaluator));
}

[[maybe_unused]] const bool registered = (registerProject(Registry::global()), true);

}  // namespace
}  // namespace morphaeus
