#include "core/train/trainer_factory.h"

#include "core/registry/registry.h"

namespace morphaeus {

std::unique_ptr<Trainer> buildTrainer(TrainerSetup setup, const ConfigNode& trainer) {
  const auto& factory =
      Registry::global().requireFactory<TrainerComponent>(ComponentKind::Trainer, trainer).build;
  return factory(std::move(setup), trainer.at("params"));
}

}  // namespace morphaeus
