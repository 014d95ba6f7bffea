#include "core/config/experiment_schema.h"
#include "core/registry/core_components.h"
#include "core/registry/data_factory.h"
#include "core/registry/registry.h"

namespace morphaeus {

void registerDataComponents(Registry& registry) {
  ComponentSpec loader;
  loader.kind = ComponentKind::DataLoader;
  loader.name = {"core.DataLoader", "DefaultDataLoader"};
  loader.summary = "CSV split or folder loader (train: shuffled, drop_last; val/test: in order)";
  loader.params.map("args", dataLoaderArgsSchema()).require();
  registry.add(std::move(loader));

  ComponentSpec plain;
  plain.kind = ComponentKind::Dataset;
  plain.name = {"core.DataLoader", "DefaultDataset"};
  plain.summary = "images read, scaled to [0,1] and resized (same path for train and test)";
  plain.factory = DatasetFactory([] { return ResizePath::Tensor; });
  registry.add(std::move(plain));

  ComponentSpec cxr;
  cxr.kind = ComponentKind::Dataset;
  cxr.name = {"data.cxr_loader", "CXRDataset"};
  cxr.aliases = {{"data.loaders.cxr_loader", "CXRDataset"}};
  cxr.summary = "chest X-rays; evaluation path quantises to 8 bit and resizes PIL-style";
  cxr.factory = DatasetFactory([] { return ResizePath::Pil; });
  registry.add(std::move(cxr));
}

}  // namespace morphaeus
