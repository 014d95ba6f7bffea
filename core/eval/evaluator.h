// Downstream evaluation: an evaluator runs one `downstream_tasks` entry on a trained model and
// writes its report under <output>/eval/<task>/.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/config/config_node.h"
#include "data/batch_loader.h"

namespace morphaeus {

struct EvaluationSetup {
  std::string task;     // the downstream task's name
  ConfigNode config;    // the task block
  std::string out_dir;  // <output>/eval/<task>
  torch::Device device = torch::kCPU;
  std::shared_ptr<torch::nn::Module> model;
  std::vector<std::pair<std::string, std::shared_ptr<BatchLoader>>> datasets;
  // The trainer's val split on the evaluation preprocessing path, when there is one: the
  // normal/abnormal threshold comes from its scores.
  std::shared_ptr<BatchLoader> normal_validation;
  std::uint64_t seed = 2109;  // the run's seed: models that sample at evaluation draw from it
};

class Evaluator {
 public:
  explicit Evaluator(EvaluationSetup setup) : setup_(std::move(setup)) {}
  virtual ~Evaluator() = default;
  // Runs the task, writes the report; returns the console summary table.
  virtual std::string run() = 0;

 protected:
  EvaluationSetup setup_;
};

using EvaluatorFactory = std::function<std::unique_ptr<Evaluator>(EvaluationSetup)>;

}  // namespace morphaeus
