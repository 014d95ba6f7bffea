#include "core/components/core_components.h"
#include "core/registry.h"

namespace morphaeus {

void registerLosses(Registry& registry) {
  for (const char* name : {"L1", "L2"}) {
    ComponentSpec spec;
    spec.kind = ComponentKind::Loss;
    spec.name = {"optim.losses.ln_losses", name};
    spec.summary = std::string(name == std::string("L1") ? "mean absolute" : "mean squared") +
                   " error of the reconstruction";
    registry.add(std::move(spec));
  }
}

}  // namespace morphaeus
