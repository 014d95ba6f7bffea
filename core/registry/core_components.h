// Registration of the components core/ configures (one function per family, one file each).
#pragma once

namespace morphaeus {

class Registry;

void registerConfigurators(Registry& registry);
void registerDataComponents(Registry& registry);
void registerLosses(Registry& registry);
void registerModels(Registry& registry);
void registerGenerativeModels(Registry& registry);

}  // namespace morphaeus
