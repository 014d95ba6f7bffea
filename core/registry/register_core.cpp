#include "core/registry/core_components.h"
#include "core/registry/registry.h"

namespace morphaeus {

Registry& Registry::global() {
  static Registry* instance = [] {
    auto* r = new Registry();
    registerCoreComponents(*r);
    return r;
  }();
  return *instance;
}

void registerCoreComponents(Registry& registry) {
  registerConfigurators(registry);
  registerDataComponents(registry);
  registerLosses(registry);
  registerModels(registry);
  registerGenerativeModels(registry);
}

}  // namespace morphaeus
