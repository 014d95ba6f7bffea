// The evaluation side of a run's data, built once per run: the shards this process reads, every
// downstream task's loaders (their first batches read before training starts, so that missing
// files and unreadable images show up before any long work) and the normal validation split on
// the evaluation path (the threshold's images). The runner hands them to the evaluators.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/experiment/experiment.h"
#include "core/registry/data_factory.h"

namespace morphaeus {

class ProcessGroup;

struct TaskData {
  std::string name;
  const ConfigNode* block = nullptr;  // the downstream task (in the experiment's config)
  std::vector<std::pair<std::string, std::shared_ptr<BatchLoader>>> datasets;
};

struct RunData {
  DataContext context;  // data root, seed and this process's shard
  std::vector<TaskData> tasks;
  std::shared_ptr<BatchLoader> threshold;  // null: no normal validation split (logged)
};

// Why a task is skipped: its data loader's data set is not on disk (CIFAR-10, CelebA: the path
// looked at and where the data comes from), or, for a task with `if_missing`, "<file> does not
// exist (<hint>)" for the first of its test split files (data_dir or label_dir) that does not
// exist; empty when all are there, or when a CSV task has no `if_missing` (then a missing file is
// an error when its loader is built).
std::string taskSkipReason(const ConfigNode& task, const DataContext& ctx);

// `group`: the run's process group (null in one process): each rank reads its shard.
RunData buildRunData(const Experiment& ex, const ProcessGroup* group);

}  // namespace morphaeus
