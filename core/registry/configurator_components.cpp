#include "core/registry/core_components.h"
#include "core/registry/registry.h"

namespace morphaeus {

void registerConfigurators(Registry& registry) {
  ComponentSpec spec;
  spec.kind = ComponentKind::Configurator;
  spec.name = {"core.Configurator", "DLConfigurator"};
  spec.summary =
      "accepted and ignored: the morphaeus executable itself plays the upstream configurator";
  spec.ignored = true;
  registry.add(std::move(spec));
}

}  // namespace morphaeus
