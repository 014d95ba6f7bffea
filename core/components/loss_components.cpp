#include "core/components/core_components.h"
#include "core/losses/reconstruction_loss.h"
#include "core/registry.h"

namespace morphaeus {

void registerLosses(Registry& registry) {
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
}

}  // namespace morphaeus
