// Builds the data loaders a configuration describes (DefaultDataLoader args, downstream datasets)
// and generates the synthetic data set when the config asks for it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/base/facts/upstream_seed.h"
#include "core/config/config_node.h"
#include "data/batch_loader.h"
#include "data/csv_split.h"
#include "data/preprocess.h"

namespace morphaeus {

// A dataset_module's factory: which resize path its images take on the training split
// (upstream's dataset built with test=False) and on validation and test splits (test=True).
using DatasetFactory = std::function<ResizePath(bool training_split)>;

struct DataContext;

// A downstream task's images from somewhere other than split CSVs (a CIFAR-10 batch file, CelebA's
// partition list): the factory of a data loader component such as Cifar10Loader. A loader
// without one (DefaultDataLoader) reads its `datasets` entries' data_dir CSVs.
struct TestImages {
  std::vector<SplitEntry> entries;
  std::function<torch::Tensor(const SplitEntry&)> read;  // [H, W] float32 in [0, 1]
  ResizePath path = ResizePath::Pil;
};
struct TestSetSource {
  // `args` is the loader's params.args, `entry` one dataset of the task (its keys win).
  // Where the data should be and is not: "<path> does not exist (where the data comes from)";
  // empty when it is there. A task whose data is missing is skipped with this warning.
  std::function<std::string(const ConfigNode& args, const ConfigNode& entry,
                            const DataContext& ctx)>
      missing;
  std::function<TestImages(const ConfigNode& args, const ConfigNode& entry, const DataContext& ctx)>
      images;
};

// A relative data path as split CSVs resolve theirs: against the data root, else the working
// directory.
std::string dataPath(const std::string& path, const DataContext& ctx);

struct DataContext {
  std::string data_root;  // base of relative image paths in CSVs ("" = working directory)
  std::uint64_t seed = kUpstreamSeed;                  // data order
  int default_workers = BatchLoaderOptions{}.workers;  // num_workers when the config has none
  // Data-parallel runs (the runner sets them from its process group): every loader reads this
  // rank's shard, and training batches are batch_size / shard_count per rank.
  std::size_t shard_rank = 0, shard_count = 1;
};

DataContext dataContext(const ConfigNode& root);

struct TrainingData {
  std::shared_ptr<BatchLoader> train, val, test;
};

// The trainer's data_loader block: train shuffled with drop_last; val and test in order. A
// missing split falls back to test, as upstream. `batch_size` overrides the args when > 0.
TrainingData buildTrainingData(const ConfigNode& data_loader, const DataContext& ctx,
                               std::size_t batch_size = 0);

// Why a downstream task's data loader cannot read its data (TestSetSource::missing of its first
// dataset that is not there); empty when every dataset is there or the loader reads CSVs.
std::string missingTaskData(const ConfigNode& task, const DataContext& ctx);

// One loader per dataset of a downstream task (its `datasets` merged over `params.args`).
std::vector<std::pair<std::string, std::shared_ptr<BatchLoader>>> buildTaskData(
    const ConfigNode& task, const DataContext& ctx);

// How the evaluation reads images: the first downstream task's dataset module and target size
// (its args' target_size, or their default where absent, as its loaders read it); without a
// downstream task, the CXRDataset path and the model's inshape (128x128 without one).
struct EvalPreprocessing {
  ResizePath path = ResizePath::Pil;
  std::vector<int64_t> size{128, 128};
};
EvalPreprocessing evaluationPreprocessing(const ConfigNode& root);

// The trainer's normal validation split read the way the evaluation reads images (the first
// task's dataset module and target size: upstream's CXRDataset path), in order: the images whose
// scores give the normal/abnormal threshold, so that the threshold is on the scale of the
// evaluation's (and `infer`'s) scores. Null when the config has no trainer val split.
std::shared_ptr<BatchLoader> buildThresholdData(const ConfigNode& root, const DataContext& ctx);

// Generates `synthetic_data` when the config has the block and the set is missing or stale.
// Returns true when it wrote files.
bool ensureSyntheticData(const ConfigNode& root);

}  // namespace morphaeus
