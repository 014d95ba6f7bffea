#include "core/registry/data_factory.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <optional>
#include <thread>

#include "core/base/file_lock.h"
#include "core/config/experiment_schema.h"
#include "core/registry/loader_args.h"
#include "core/registry/registry.h"
#include "core/registry/synthetic_data_keys.h"
#include "data/csv_split.h"
#include "data/data_error.h"
#include "data/synthetic/synthetic_cxr.h"

namespace morphaeus {
namespace {

ResizePath resizePathOf(const ConfigNode* dataset_module, bool training_split) {
  if (dataset_module == nullptr) return ResizePath::Tensor;  // upstream's DefaultDataset
  return Registry::global().requireFactory<DatasetFactory>(ComponentKind::Dataset,
                                                           *dataset_module)(training_split);
}

// The data loader's own source of test images; null for DefaultDataLoader (split CSVs).
const TestSetSource* testSetSource(const ConfigNode& data_loader) {
  if (data_loader.find("module_name") == nullptr)
    return nullptr;  // an unvalidated args-only loader
  const Registry& registry = Registry::global();
  return registry.factory<TestSetSource>(registry.resolve(ComponentKind::DataLoader, data_loader));
}

// One split's loader: the args' values for it.
struct LoaderSpec {
  std::vector<std::string> images, masks;
  std::string file_type;
  std::vector<int64_t> size;
  std::size_t batch_size = 0;
  int workers = 0;
  bool skip_bad = false, cache = false;
  ResizePath path = ResizePath::Tensor;
  std::optional<TestImages> source;  // images from a TestSetSource instead of the CSVs
};

LoaderSpec specFor(const ConfigNode& args, const ConfigNode* overlay, const std::string& split,
                   const DataContext& ctx) {
  const ConfigNode merged = loaderArgsNode(args, overlay);
  const LoaderArgs a = loaderArgsKeys().read(merged);
  LoaderSpec s;
  s.images = a.data_dir.of(split);
  s.masks = a.label_dir.of(split);
  s.file_type = a.file_type;
  s.size = a.target_size;
  s.batch_size = static_cast<std::size_t>(a.batch_size);
  s.workers = static_cast<int>(a.num_workers.value_or(ctx.default_workers));
  s.skip_bad = a.skip_bad;
  s.cache = a.cache;
  s.path = resizePathOf(merged.has("dataset_module") ? merged.find("dataset_module") : nullptr,
                        split == "train");
  return s;
}

std::shared_ptr<BatchLoader> makeLoader(const LoaderSpec& s, const DataContext& ctx, bool train,
                                        const std::string& what) {
  ImageDatasetOptions o;
  if (s.source) {
    o.images = s.source->entries;
    o.read = s.source->read;
  } else {
    o.images = readSplit(s.images, s.file_type, ctx.data_root);
    if (!s.masks.empty()) o.masks = readSplit(s.masks, s.file_type, ctx.data_root);
  }
  o.height = s.size[0];
  o.width = s.size[1];
  o.path = s.path;
  o.skip_bad = s.skip_bad;
  o.cache = s.cache;
  o.on_skip = [what](const std::string& message) { spdlog::warn("{}: skipped {}", what, message); };
  auto dataset = std::make_shared<ImageDataset>(std::move(o));
  BatchLoaderOptions lo;
  lo.batch_size = s.batch_size;
  lo.shuffle = train;
  lo.drop_last = train;
  lo.seed = ctx.seed;
  lo.workers = s.workers;
  lo.shard_rank = ctx.shard_rank;
  lo.shard_count = ctx.shard_count;
  lo.pad_shard = train;
  spdlog::info("{}: {} images, batch {}, {} worker(s){}", what, dataset->size(), s.batch_size,
               s.workers, s.cache ? ", cached" : "");
  auto loader = std::make_shared<BatchLoader>(dataset, lo);
  if (loader->batchesPerEpoch() == 0) {
    throw DataError((s.source ? s.source->entries.front().source : s.images.front()) + ": the " +
                    what + " split has " + std::to_string(dataset->size()) +
                    " images, fewer than one batch of " + std::to_string(s.batch_size) +
                    " (training drops incomplete batches)");
  }
  return loader;
}

const ConfigNode& argsOf(const ConfigNode& data_loader) {
  static const ConfigNode kEmpty = ConfigNode::map({}, "");
  const ConfigNode* params = data_loader.find("params");
  if (params == nullptr || !params->has("args")) return kEmpty;
  return params->at("args");
}

}  // namespace

std::string dataPath(const std::string& path, const DataContext& ctx) {
  const std::filesystem::path p(path);
  if (p.is_absolute() || ctx.data_root.empty()) return p.lexically_normal().string();
  return (std::filesystem::path(ctx.data_root) / p).lexically_normal().string();
}

std::string missingTaskData(const ConfigNode& task, const DataContext& ctx) {
  const ConfigNode* loader = task.find("data_loader");
  const ConfigNode* datasets = loader ? loader->find("datasets") : nullptr;
  if (datasets == nullptr || !datasets->isMap()) return {};
  const TestSetSource* source = testSetSource(*loader);
  if (source == nullptr) return {};
  for (const auto& [name, entry] : datasets->entries()) {
    if (std::string why = source->missing(argsOf(*loader), entry, ctx); !why.empty()) return why;
  }
  return {};
}

DataContext dataContext(const ConfigNode& root) {
  DataContext ctx;
  const ExperimentOptions o = experimentOptions(root);
  ctx.data_root = o.data_root;
  ctx.seed = static_cast<std::uint64_t>(o.seed);
  return ctx;
}

TrainingData buildTrainingData(const ConfigNode& data_loader, const DataContext& ctx,
                               std::size_t batch_size) {
  if (testSetSource(data_loader) != nullptr) {
    throw data_loader.error(
        data_loader.getString("module_name", "") + "/" + data_loader.getString("class_name", "") +
        " reads a downstream task's test images only; the trainer's data_loader "
        "is core.DataLoader/DefaultDataLoader");
  }
  const ConfigNode& args = argsOf(data_loader);
  TrainingData d;
  auto spec = [&](const std::string& split) {
    LoaderSpec s = specFor(args, nullptr, split, ctx);
    if (batch_size > 0) s.batch_size = batch_size;
    if (ctx.shard_count > 1) {  // batch_size is the global batch: each rank reads its share
      if (s.batch_size % ctx.shard_count != 0) {
        throw data_loader.error(
            "batch_size " + std::to_string(s.batch_size) + " is not divisible by the world size " +
            std::to_string(ctx.shard_count) +
            " (it is the global batch; each rank reads batch_size / world size)");
      }
      s.batch_size /= ctx.shard_count;
    }
    return s;
  };
  LoaderSpec test = spec("test");
  if (test.images.empty()) throw data_loader.error("data_dir has no test split");
  d.test = makeLoader(test, ctx, false, "test");
  LoaderSpec train = spec("train"), val = spec("val");
  d.train = train.images.empty() ? d.test : makeLoader(train, ctx, true, "train");
  d.val = val.images.empty() ? d.test : makeLoader(val, ctx, false, "val");
  return d;
}

std::vector<std::pair<std::string, std::shared_ptr<BatchLoader>>> buildTaskData(
    const ConfigNode& task, const DataContext& ctx) {
  const ConfigNode& loader = task.at("data_loader");
  const ConfigNode& args = argsOf(loader);
  const TestSetSource* source = testSetSource(loader);
  std::vector<std::pair<std::string, std::shared_ptr<BatchLoader>>> out;
  for (const auto& [name, entry] : loader.at("datasets").entries()) {
    LoaderSpec s = specFor(args, &entry, "test", ctx);
    if (source != nullptr) {
      s.source = source->images(args, entry, ctx);
      s.path = s.source->path;
    } else if (s.images.empty()) {
      throw entry.error("dataset " + name + " has no data_dir.test");
    }
    out.emplace_back(name, makeLoader(s, ctx, false, task.path() + "." + name));
  }
  return out;
}

EvalPreprocessing evaluationPreprocessing(const ConfigNode& root) {
  EvalPreprocessing e;
  if (const ConfigNode* model = root.find("model");
      model && model->has("params") && model->at("params").has("inshape")) {
    e.size = model->at("params").at("inshape").asIntList();
  }
  const ConfigNode* tasks = root.find("downstream_tasks");
  if (tasks == nullptr || !tasks->isMap() || tasks->entries().empty()) return e;
  // As the task's loaders read its images: its args' target_size, their default where absent.
  const ConfigNode& args = argsOf(tasks->entries().front().second.at("data_loader"));
  e.size = loaderArgs(args, nullptr).target_size;
  e.path = resizePathOf(args.has("dataset_module") ? args.find("dataset_module") : nullptr, false);
  return e;
}

std::shared_ptr<BatchLoader> buildThresholdData(const ConfigNode& root, const DataContext& ctx) {
  const ConfigNode* trainer = root.find("trainer");
  if (trainer == nullptr || !trainer->has("data_loader")) return nullptr;
  LoaderSpec s = specFor(argsOf(trainer->at("data_loader")), nullptr, "val", ctx);
  if (s.images.empty()) return nullptr;
  const EvalPreprocessing eval = evaluationPreprocessing(root);
  s.path = eval.path;
  s.size = eval.size;
  s.cache = false;
  return makeLoader(s, ctx, false, "threshold (normal validation split)");
}

bool ensureSyntheticData(const ConfigNode& root) {
  const ConfigNode* block = root.find("synthetic_data");
  if (block == nullptr || block->isNull()) return false;
  const SyntheticOptions o = syntheticDataKeys().read(*block);
  // Runs side by side (a sweep's --jobs or SLURM array) share the folder: one generates it while
  // the others wait, then find it up to date.
  std::filesystem::path out = std::filesystem::path(o.out).lexically_normal();
  if (out.filename().empty()) out = out.parent_path();  // "data/" -> "data"
  std::filesystem::create_directories(out.parent_path().empty() ? "." : out.parent_path());
  const FileLock lock((out.parent_path() / ("." + out.filename().string() + ".lock")).string());
  if (syntheticUpToDate(o)) return false;
  spdlog::info(
      "generating synthetic chest X-rays into {} ({} train, {} val, {} test, {} abnormal{})", o.out,
      o.n_train, o.n_val, o.n_test, o.n_abnormal,
      o.n_ood > 0 ? fmt::format(", {} digits and {} shapes", o.n_ood, o.n_ood) : "");
  generateSyntheticCxr(o);
  return true;
}

}  // namespace morphaeus
