#include "core/registry/core_components.h"
#include "core/registry/data_factory.h"
#include "core/registry/loader_args.h"
#include "core/registry/registry.h"
#include "core/registry/test_set_sources.h"
#include "data/sets/cifar10_batch.h"

namespace morphaeus {
namespace {

// The args a loader reads through loaderArgsKeys() are its struct's defaults.
bool loaderTakesDefaults(const ConfigNode& params) {
  const ConfigNode* args = params.find("args");
  return args == nullptr || !args->isMap() || loaderArgsKeys().takesDefaults(*args);
}

// A downstream loader of a public data set: DefaultDataLoader's size, batch and worker keys plus
// the folder of the set, in params.args and in each `datasets` entry (with its `classes`).
ComponentSpec publicSetLoader(ComponentName name, ComponentName alias, std::string summary,
                              const char* folder_key, const char* folder_default, Field classes,
                              TestSetSource source) {
  const Schema& csv_args = loaderArgsKeys().schema();
  Schema args;
  for (const char* key : {"target_size", "batch_size", "num_workers"})
    args.add(key, ValueType::Any) = *csv_args.find(key);
  args.inputPath(folder_key)
      .describe(std::string("where the data set is (default ") + folder_default +
                " under the data root)");
  ComponentSpec spec;
  spec.kind = ComponentKind::DataLoader;
  spec.name = std::move(name);
  spec.aliases = {std::move(alias)};
  spec.summary = std::move(summary);
  spec.params.map("args", args).require();
  Schema entry = args;
  entry.add("classes", ValueType::List) = [&] {
    classes.name = "classes";
    return classes;
  }();
  spec.siblings.dict("datasets", mapElement(entry));
  spec.factory = std::move(source);
  spec.takes_struct_defaults = loaderTakesDefaults;
  return spec;
}

}  // namespace

void registerDataComponents(Registry& registry) {
  ComponentSpec loader;
  loader.kind = ComponentKind::DataLoader;
  loader.name = {"core.DataLoader", "DefaultDataLoader"};
  loader.summary = "CSV split or folder loader (train: shuffled, drop_last; val/test: in order)";
  loader.params.map("args", loaderArgsKeys().schema()).require();
  loader.siblings = csvDatasetsSchema();
  loader.takes_struct_defaults = loaderTakesDefaults;
  registry.add(std::move(loader));

  // Downstream-only loaders of public data sets (their `datasets` name classes, not CSVs).
  Field cifar10_class = element(ValueType::Enum);
  cifar10_class.choices = cifar10ClassNames();
  cifar10_class.choices.push_back("car");
  Field cifar10_classes = listElement(ValueType::Enum);
  cifar10_classes.element = std::make_shared<Field>(cifar10_class);
  cifar10_classes.require().describe("CIFAR-10 classes (car = automobile, as upstream writes it)");
  registry.add(publicSetLoader(
      {"data.loaders.cifar10_loader", "Cifar10Loader"}, {"data.cifar10_loader", "Cifar10Loader"},
      "CIFAR-10 test batch (binary version), chosen classes, grey as torchvision's Grayscale, PIL "
      "resize; skipped with a warning when absent",
      "cifar10_dir", kDefaultCifar10Dir, cifar10_classes, cifar10TestSource()));
  registry.add(publicSetLoader(
      {"data.loaders.celeba_loader", "CelebA"}, {"data.celeba_loader", "CelebA"},
      "CelebA's local copy (img_align_celeba/, list_eval_partition.txt): the test partition, grey, "
      "PIL resize; skipped with a warning when absent",
      "celeba_dir", kDefaultCelebaDir,
      listElement(ValueType::String)
          .describe("accepted as upstream writes it; every image of the partition is read"),
      celebaTestSource()));

  ComponentSpec plain;
  plain.kind = ComponentKind::Dataset;
  plain.name = {"core.DataLoader", "DefaultDataset"};
  plain.summary = "images read, scaled to [0,1] and resized (same path for train and test)";
  plain.factory = DatasetFactory([](bool) { return ResizePath::Tensor; });
  registry.add(std::move(plain));

  ComponentSpec cxr;
  cxr.kind = ComponentKind::Dataset;
  cxr.name = {"data.cxr_loader", "CXRDataset"};
  cxr.aliases = {{"data.loaders.cxr_loader", "CXRDataset"}};
  cxr.summary = "chest X-rays; evaluation path quantises to 8 bit and resizes PIL-style";
  cxr.factory = DatasetFactory([](bool) { return ResizePath::Pil; });
  registry.add(std::move(cxr));

  // Upstream's MedNISTDataset overrides only the test-time transform: its training split
  // (test=False) takes DefaultDataset's tensor resize, validation and test the PIL path.
  ComponentSpec mednist;
  mednist.kind = ComponentKind::Dataset;
  mednist.name = {"data.loaders.mednist_loader", "MedNISTDataset"};
  mednist.aliases = {{"data.mednist_loader", "MedNISTDataset"}};
  mednist.summary =
      "MedNIST-style images (any anatomy); training split: tensor resize, val/test: 8-bit PIL "
      "resize";
  mednist.factory =
      DatasetFactory([](bool training) { return training ? ResizePath::Tensor : ResizePath::Pil; });
  registry.add(std::move(mednist));
}

}  // namespace morphaeus
