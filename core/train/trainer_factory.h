// How a trainer component is built: its registered factory gets the setup (with the base
// trainer's options parsed) and its own params block, parses the project's keys into its
// options struct and constructs the trainer; trainers never read the config themselves.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>

#include "core/config/config_node.h"
#include "core/train/trainer.h"

namespace morphaeus {

using TrainerFactory =
    std::function<std::unique_ptr<Trainer>(TrainerSetup, const ConfigNode& params)>;

// A trainer factory from `build(setup, params)` returning the trainer: what the trainer refuses
// (std::invalid_argument: a model it cannot train, a loss that does not fit the model, a fast
// path it cannot run) becomes a ConfigError at trainer.params.
template <class Build>
TrainerFactory trainerFactory(Build build) {
  return TrainerFactory(
      [build](TrainerSetup setup, const ConfigNode& params) -> std::unique_ptr<Trainer> {
        try {
          std::unique_ptr<Trainer> trainer = build(std::move(setup), params);
          trainer->initialise();
          return trainer;
        } catch (const std::invalid_argument& e) {
          throw params.error(e.what());
        }
      });
}

// What a trainer component registers (its ComponentSpec::factory): how it is built, and the model
// mode of its training steps when the config does not say (upstream's: eval, the AAE's train).
struct TrainerComponent {
  TrainerFactory build;
  bool trains_in_train_mode = false;
};

// The trainer a `trainer` block chooses; setup.options must be trainerOptions(trainer.params).
std::unique_ptr<Trainer> buildTrainer(TrainerSetup setup, const ConfigNode& trainer);

}  // namespace morphaeus
