// Registers the MorphAEus project's trainer and evaluator under their upstream names.
// This file is compiled into an OBJECT library so that its registrar always runs.
#include <functional>
#include <string>

#include "core/registry/registry.h"
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
  spec.kind = ComponentKind::Trainer;
  spec.name = {"projects.23_morphaeus." + module, "PTrainer"};
  spec.aliases = {{"projects.morphaeus." + module, "PTrainer"}};
  spec.summary = std::move(summary);
  spec.params = std::move(params);
  spec.factory = TrainerComponent{trainerFactory(build), T::kUpstreamTrainMode};
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
      [](const ConfigNode& p) { return morphTrainerKeys().takesDefaults(p); }));
  registry.add(trainerSpec<ReconstructionTrainer>(
      "Trainer",
      "autoencoder baselines: the configured loss (L1/L2) of reconstruction against input",
      reconstructionTrainerSchema(),
      withOptions<ReconstructionTrainer>(reconstructionTrainerOptions),
      [](const ConfigNode& p) { return reconstructionTrainerKeys().takesDefaults(p); }));
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
      [](const ConfigNode& p) { return softIntroTrainerKeys().takesDefaults(p); }));

  ComponentSpec evaluator;
  evaluator.kind = ComponentKind::Evaluator;
  evaluator.name = {"projects.23_morphaeus.DownstreamEvaluator", "PDownstreamEvaluator"};
  evaluator.aliases = {{"projects.morphaeus.DownstreamEvaluator", "PDownstreamEvaluator"}};
  evaluator.summary = "anomaly detection: mean |reconstruction - x| scores, AUROC/AUPRC/FPR, SSIM";
  evaluator.params = anomalyEvaluatorKeys().schema();
  evaluator.factory = EvaluatorFactory(
      [](EvaluationSetup setup, const ConfigNode& task) -> std::unique_ptr<Evaluator> {
        return std::make_unique<AnomalyEvaluator>(std::move(setup), anomalyEvaluatorOptions(task));
      });
  evaluator.takes_struct_defaults = [](const ConfigNode& params) {
    return anomalyEvaluatorKeys().takesDefaults(params);
  };
  registry.add(std::move(evaluator));
}

[[maybe_unused]] const bool registered = (registerProject(Registry::global()), true);

}  // namespace
}  // namespace morphaeus
