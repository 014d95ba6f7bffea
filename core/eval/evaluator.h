// Downstream evaluation: an evaluator runs one `downstream_tasks` entry on a trained model,
// writes its report under <output>/eval/<task>/ and returns its results to the runner. Its
// registered factory parses the task block into the evaluator's options; evaluators never read
// the config themselves.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/base/facts/upstream_seed.h"
#include "core/config/config_node.h"
#include "core/report/task_metrics.h"
#include "data/batch_loader.h"

namespace morphaeus {

class ProcessGroup;

using TaskDatasets = std::vector<std::pair<std::string, std::shared_ptr<BatchLoader>>>;

struct EvaluationSetup {
  std::string task;     // the downstream task's name
  std::string out_dir;  // <output>/eval/<task>
  torch::Device device = torch::kCPU;
  std::shared_ptr<torch::nn::Module> model;
  TaskDatasets datasets;
  // The trainer's val split on the evaluation preprocessing path, when there is one: the
  // normal/abnormal threshold comes from its scores.
  std::shared_ptr<BatchLoader> normal_validation;
  std::uint64_t seed =
      kUpstreamSeed;  // the run's seed: models that sample at evaluation draw from it
  ProcessGroup* process_group = nullptr;  // a data-parallel run's group (the runner's)
};

// What an evaluation hands back (on rank 0; the other ranks only score their shards).
struct EvaluationResult {
  std::string table;                // the console summary (table.md)
  TaskMetrics metrics;              // as written to metrics.json
  std::optional<double> threshold;  // normal/abnormal, from the normal validation scores
};

class Evaluator {
 public:
  explicit Evaluator(EvaluationSetup setup) : setup_(std::move(setup)) {}
  virtual ~Evaluator() = default;
  virtual EvaluationResult run() = 0;

 protected:
  bool mainProcess() const;  // rank 0 (or a single process) writes the report
  EvaluationSetup setup_;
};

// `task`: the downstream task block (validated).
using EvaluatorFactory =
    std::function<std::unique_ptr<Evaluator>(EvaluationSetup, const ConfigNode& task)>;

}  // namespace morphaeus
