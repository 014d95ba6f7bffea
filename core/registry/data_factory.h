// Builds the data loaders a configuration describes (DefaultDataLoader args, downstream datasets)
// and generates the synthetic data set when the config asks for it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/config/config_node.h"
#include "data/batch_loader.h"
#include "data/preprocess.h"

namespace morphaeus {

// A dataset_module's factory: which resize path its images take.
using DatasetFactory = std::function<ResizePath()>;

struct DataContext {
  std::string data_root;      // base of relative image paths in CSVs ("" = working directory)
  std::uint64_t seed = 2109;  // data order
  int default_workers = 2;    // num_workers when the config has none (upstream default 2)
  // Data-parallel runs (the runner sets them from its process group): every loader reads this
  // rank's shard, and training batches are batch_size / shard_count per rank.
  std::size_t shard_rank = 0, shard_count = 1;
};

DataContext dataContext(const ConfigNode& root);

// A DefaultDataLoader's args when they have no target_size / batch_size.
constexpr std::int64_t kDefaultImageSide = 64;
constexpr std::int64_t kDefaultBatchSize = 8;

struct TrainingData {
  std::shared_ptr<BatchLoader> train, val, test;
};

// The trainer's data_loader block: train shuffled with drop_last; val and test in order. A
// missing split falls back to test, as upstream. `batch_size` overrides the args when > 0.
TrainingData buildTrainingData(const ConfigNode& data_loader, const DataContext& ctx,
                               std::size_t batch_size = 0);

// One loader per dataset of a downstream task (its `datasets` merged over `params.args`).
std::vector<std::pair<std::string, std::shared_ptr<BatchLoader>>> buildTaskData(
    const ConfigNode& task, const DataContext& ctx);

// How the evaluation reads images: the first downstream task's dataset module and target size
// (CXRDataset path and the model's inshape when the config has no task).
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
