#include "core/experiment/run_data.h"

#include <ATen/Parallel.h>
#include <spdlog/fmt/ostr.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "core/config/error_context.h"
#include "core/distributed/process_group.h"

namespace morphaeus {
namespace {

void readFirstBatch(const std::string& what, BatchLoader& loader) {
  loader.startEpoch(0);
  auto batch = loader.next();
  spdlog::info("{}: {} batch(es) per epoch, first batch {}", what, loader.batchesPerEpoch(),
               batch ? fmt::format("{}", fmt::streamed(batch->images.sizes())) : "empty");
}

}  // namespace

std::string taskSkipReason(const ConfigNode& task, const DataContext& ctx) {
  // A loader of a public data set (CIFAR-10, CelebA) says where it looked and where the data
  // comes from; a task of split CSVs is skipped only where it says so (if_missing).
  if (std::string why = missingTaskData(task, ctx); !why.empty()) return why;
  const ConfigNode* hint = task.find("if_missing");
  if (hint == nullptr || !hint->isScalar()) return {};
  const ConfigNode* loader = task.find("data_loader");
  const ConfigNode* datasets = loader ? loader->find("datasets") : nullptr;
  if (datasets == nullptr || !datasets->isMap()) return {};
  std::error_code ec;
  for (const auto& [name, dataset] : datasets->entries()) {
    for (const char* dir : {"data_dir", "label_dir"}) {
      const ConfigNode* d = dataset.find(dir);
      const ConfigNode* test = d && d->isMap() ? d->find("test") : nullptr;
      if (test == nullptr || !test->isSequence()) continue;
      for (const auto& item : test->items())
        if (item.isScalar() && !std::filesystem::exists(item.text(), ec))
          return item.text() + " does not exist (" + hint->text() + ")";
    }
  }
  return {};
}

RunData buildRunData(const Experiment& ex, const ProcessGroup* group) {
  RunData d;
  d.context = dataContext(ex.config);
  // The loaders' decoding threads follow the process's thread budget (configureThreads): one on
  // one CPU, else upstream's default of two.
  d.context.default_workers = std::clamp(at::get_num_threads(), 1, d.context.default_workers);
  if (group != nullptr) {
    d.context.shard_rank = static_cast<std::size_t>(group->rank());
    d.context.shard_count = static_cast<std::size_t>(group->size());
  }
  const ConfigNode* blocks = ex.config.find("downstream_tasks");
  if (blocks == nullptr || !blocks->isMap() || blocks->entries().empty()) return d;
  for (const auto& [name, task] : blocks->entries()) {
    if (const std::string why = taskSkipReason(task, d.context); !why.empty()) {
      spdlog::warn("task {} skipped: {}", name, why);
      continue;
    }
    TaskData t{name, &task, {}};
    const std::string task_name = name;
    inContext(doingWith("reading the first batches of task " + task_name, task), [&] {
      t.datasets = buildTaskData(*t.block, d.context);
      for (auto& [dataset, loader] : t.datasets) readFirstBatch(task_name + "/" + dataset, *loader);
    });
    d.tasks.push_back(std::move(t));
  }
  try {
    d.threshold = buildThresholdData(ex.config, d.context);
  } catch (const std::exception& e) {
    spdlog::warn("no normal validation data for a threshold ({})", e.what());
  }
  if (!d.threshold) spdlog::info("no normal validation split: no normal/abnormal threshold");
  return d;
}

}  // namespace morphaeus
