// The training loop shared by all trainers: epochs over the seeded training order, validation
// every `val_interval` epochs, `latest_model.pt` after every epoch and `best_model.pt` on
// validation improvement (PyTorch format, written atomically), early stopping, learning-rate
// schedules, metrics.jsonl/.csv, progress, resume (also from the middle of an epoch), SIGINT/
// SIGTERM and non-finite losses. A project's trainer supplies the losses -- or, for adversarial
// and introspective trainers with several optimisers, the whole optimisation step.
#pragma once

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/checkpoint/checkpoint.h"
#include "core/config/config_node.h"
#include "core/data_factory.h"
#include "core/losses/reconstruction_loss.h"
#include "core/trainer/adam.h"

namespace morphaeus {

// Training stopped early on purpose (signal) or because it cannot go on (non-finite loss).
class TrainingStopped : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TrainerSetup {
  std::string run_dir;
  torch::Device device = torch::kCPU;
  std::shared_ptr<torch::nn::Module> model;
  TrainingData data;
  ConfigNode params;                 // trainer.params
  std::optional<Checkpoint> resume;  // continue from this checkpoint (weights already loaded)
};

struct TrainResult {
  int64_t last_epoch = -1;
  bool early_stopped = false;
  double best_val = 0;
  std::string best_checkpoint, latest_checkpoint;
};

using NamedLosses = std::vector<std::pair<std::string, torch::Tensor>>;

class Trainer {
 public:
  explicit Trainer(TrainerSetup setup);
  virtual ~Trainer() = default;
  TrainResult train();

  // One optimisation step (losses, finiteness check, backward, Adam) and the batch's losses.
  // beginEpoch() sets the epoch's schedules first. Public for tests and benchmarks.
  void beginEpoch(int64_t epoch) { startEpoch(epoch); }
  NamedLosses step(const torch::Tensor& images, int64_t epoch, int64_t step_no = 0);

 protected:
  // The batch's losses; the first entry is the loss to minimise, all are logged (per-image mean).
  // Trainers that override optimize() need not implement it.
  virtual NamedLosses trainLosses(const torch::Tensor& images, int64_t epoch);
  // The whole optimisation step of a batch; the default minimises trainLosses()'s first entry
  // with the one optimiser. Returns the losses to log; throws through requireFinite().
  virtual NamedLosses optimize(const torch::Tensor& images, int64_t epoch);
  // Validation losses of a batch (model in eval mode, no autograd). The entry named "loss"
  // decides the best checkpoint and early stopping.
  virtual NamedLosses validationLosses(const torch::Tensor& images) = 0;
  // Epoch-level values to log (e.g. a loss weight's schedule).
  virtual void startEpoch(int64_t epoch) {}
  virtual nlohmann::json epochValues() const { return nlohmann::json::object(); }

  // Throws TrainingStopped (naming epoch, step and the last good checkpoint) unless every loss
  // is finite.
  void requireFinite(const NamedLosses& losses) const;

  // Optimisers: by default one Adam over all parameters, saved as 'optimizer_weights'. A trainer
  // with several replaces them (in its constructor) by named groups, each saved under its key;
  // their state is restored from the resume checkpoint by the same keys.
  AdamOptions adamOptions() const;
  void setOptimizers(std::vector<std::pair<std::string, std::vector<torch::Tensor>>> groups,
                     const AdamOptions& options);
  Adam& optimizer(std::size_t i = 0) { return *optimizers_.at(i).second; }
  // One update of optimiser i: zero its gradients, backpropagate `loss`, step.
  void minimise(std::size_t i, const torch::Tensor& loss);
  void setLearningRate(double lr);  // of every optimiser

  torch::nn::Module& model() { return *setup_.model; }
  const ConfigNode& params() const { return setup_.params; }
  const torch::Device& device() const { return setup_.device; }
  ReconstructionLoss criterion_;

 private:
  Checkpoint snapshot(int64_t epoch, int64_t next_step) const;
  void save(const std::string& name, int64_t epoch, int64_t next_step) const;
  nlohmann::json validate();

  TrainerSetup setup_;
  std::vector<std::pair<std::string, std::unique_ptr<Adam>>> optimizers_;
  int64_t epoch_ = 0, step_no_ = 0;  // of the step in progress (for messages)
  int64_t best_epoch_ = -1;
  double best_val_ = std::numeric_limits<double>::infinity();
  int early_counter_ = 0;
  std::optional<double> early_best_;
};

using TrainerFactory = std::function<std::unique_ptr<Trainer>(TrainerSetup)>;

}  // namespace morphaeus
