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
#include "core/config/error_context.h"
#include "core/losses/reconstruction_loss.h"
#include "core/registry/data_factory.h"
#include "core/train/adam.h"
#include "core/train/fast_path.h"
#include "core/train/lr_schedule.h"
#include "core/train/optimizer_set.h"
#include "core/train/trainer_options.h"
#include "core/train/training_state.h"
#include "core/train/training_stopped.h"

namespace morphaeus {

class MetricsLog;
class Progress;

class ProcessGroup;

struct TrainerSetup {
  std::string run_dir;
  torch::Device device = torch::kCPU;
  std::shared_ptr<torch::nn::Module> model;
  TrainingData data;
  TrainerOptions options;                 // trainerOptions(trainer.params)
  std::optional<Checkpoint> resume;       // continue from this checkpoint (weights already loaded)
  ProcessGroup* process_group = nullptr;  // a data-parallel run's group (the runner's)
  // Called on rank 0 after each validation's epoch is in metrics.jsonl (epoch: 0-based, of
  // `epochs`): the runner rewrites report.html there. May be empty.
  std::function<void(int64_t epoch, int64_t epochs)> after_validation;
};

struct TrainResult {
  int64_t last_epoch = -1;
  bool early_stopped = false;
  double best_val = 0;
  std::string best_checkpoint, latest_checkpoint;
};

// A batch's losses by name, in the order they are logged. Two entries have a role:
// trainLosses()'s first entry is the one minimised, and validationLosses()'s entry named
// kValidationLoss is the validation loss (logged as val_loss: best checkpoint, early stopping,
// the schedules that step with it).
using NamedLosses = std::vector<std::pair<std::string, torch::Tensor>>;
inline constexpr const char* kValidationLoss = "loss";

class CudaGraphStep;
class DataParallel;

class Trainer {
 public:
  // The model mode of upstream's steps (the registry's copy checks configs before a trainer
  // exists); a subclass that trains in train mode redeclares it and upstreamTrainsInTrainMode().
  static constexpr bool kUpstreamTrainMode = false;
  explicit Trainer(TrainerSetup setup);
  virtual ~Trainer();
  TrainResult train();
  // The settings that need the subclass (training mode, early stopping, lr schedule, the
  // resumed state, the fast path's checks): once, by the factory or else at the first step.
  // std::invalid_argument for a fast path this trainer cannot run.
  void initialise();

  // One optimisation step (losses, finiteness check, backward, Adam) and the batch's losses.
  // beginEpoch() sets the epoch's schedules first. Public for tests and benchmarks. With the
  // fast path (performance.*) the step may run under bf16 autocast, in channels_last, or as a
  // replayed CUDA graph (then the losses are valid until the next step).
  void beginEpoch(int64_t epoch) { startEpoch(epoch); }
  NamedLosses step(const torch::Tensor& images, int64_t epoch, int64_t step_no = 0);
  const FastPathOptions& fastPath() const { return fast_; }

 protected:
  // The batch's losses; the first entry is minimised, all are logged (per-image mean).
  // Trainers that override optimize() need not implement it.
  virtual NamedLosses trainLosses(const torch::Tensor& images, int64_t epoch);
  // The whole optimisation step of a batch; the default minimises trainLosses()'s first entry
  // with the one optimiser. Returns the losses to log; throws through requireFinite().
  virtual NamedLosses optimize(const torch::Tensor& images, int64_t epoch);
  // Validation losses of a batch (model in eval mode, no autograd). The entry named
  // kValidationLoss decides the best checkpoint and early stopping.
  virtual NamedLosses validationLosses(const torch::Tensor& images) = 0;
  // Epoch-level values to log (e.g. a loss weight's schedule).
  virtual void startEpoch(int64_t epoch) {}
  virtual nlohmann::json epochValues() const { return nlohmann::json::object(); }
  // Whether this trainer's step may run under autocast or be captured as a CUDA graph: true for
  // the default optimize() (one optimiser, no host-side randomness); trainers that override
  // optimize() say false, and the performance options that need it are then refused.
  virtual bool supportsFastPath() const { return true; }
  // CUDA graphs also need a step without host-side state that changes from step to step (a step
  // counter in the loss, noise drawn on the host).
  virtual bool supportsCudaGraph() const { return supportsFastPath(); }

  // What the upstream trainer does, where it differs between trainers (docs/METHOD.md section 7):
  // the model mode of its training steps (iml-dl's trainers never call .train(): eval; the AAE
  // trainer does), when it calls early stopping (the AAE trainer only after an improvement,
  // so it never stops early) and its learning-rate schedule (the configured lr_scheduler).
  // The switches training_mode, early_stopping and lr_scheduler_step override them.
  virtual bool upstreamTrainsInTrainMode() const { return kUpstreamTrainMode; }
  virtual bool upstreamChecksPatienceOnlyOnImprovement() const { return false; }
  virtual LrScheduleOptions upstreamSchedule() const;
  // Applies the fast path's memory format to a module the trainer owns besides the model (VGG).
  void prepareModule(torch::nn::Module& module) const;

  // Throws TrainingStopped (naming epoch, step and the last good checkpoint) unless every loss
  // is finite. With deferred checks (fast path) it does nothing: the losses are checked when
  // they are read back.
  void requireFinite(const NamedLosses& losses) const;

  // Optimisers: by default one Adam over all parameters, saved as 'optimizer_weights'. A trainer
  // with several replaces them (in its constructor) by named groups, each saved under its key;
  // their state is restored from the resume checkpoint by the same keys.
  AdamOptions adamOptions() const {  // with the fast path's kernel choice
    AdamOptions o = options_.adam;
    o.fused = fast_.fused_adam;
    return o;
  }
  void setOptimizers(OptimizerSet::Groups groups, const AdamOptions& options);
  Adam& optimizer(std::size_t i = 0) { return optimizers_.at(i); }
  // One update of optimiser i: zero its gradients, backpropagate `loss` (in several processes
  // its gradients are averaged over the ranks during the backward), step.
  void minimise(std::size_t i, const torch::Tensor& loss);
  void setLearningRate(double lr) { optimizers_.setLearningRate(lr); }  // of every optimiser

  torch::nn::Module& model() { return *setup_.model; }
  const TrainerOptions& options() const { return setup_.options; }
  const ReconstructionLoss& criterion() const { return setup_.options.loss; }
  const torch::Device& device() const { return setup_.device; }

 private:
  // One epoch's training batches (the first `skip_steps` skipped: a resumed epoch): its row of
  // metrics and its seconds.
  struct EpochRun {
    nlohmann::json row;
    double secs = 0;
  };
  EpochRun trainEpoch(int64_t epoch, int64_t skip_steps, Progress& progress);
  // After an epoch's batches: validation when due, the schedule's step, the latest checkpoint,
  // the metrics row and the log line; true when early stopping ends the run.
  bool finishEpoch(int64_t epoch, EpochRun run, MetricsLog* metrics, TrainResult& result);
  Checkpoint snapshot(int64_t epoch, int64_t next_step) const;
  void save(const std::string& name, int64_t epoch, int64_t next_step) const;
  nlohmann::json validate();
  // The epoch's row of metrics: lr, time, the mean training losses over every rank's images.
  nlohmann::json epochRow(int64_t epoch, const std::vector<std::string>& names,
                          std::vector<double> sums, int64_t images, double secs) const;
  // After a validation: best checkpoint, early stopping; true when training should stop.
  bool afterValidation(int64_t epoch, double val_loss);
  [[noreturn]] void stopOnNonFinite(const std::string& name, double value,
                                    int64_t since_step) const;
  [[noreturn]] void stopOnSignal(int64_t epoch, int64_t step) const;

  void checkFastPath();
  std::string runFile(const std::string& name) const;

  TrainerSetup setup_;
  const TrainerOptions& options_;  // setup_.options
  FastPathOptions fast_;           // options_.fast with precision: auto decided for the device
  std::unique_ptr<DataParallel> parallel_;
  TrainingState state_;
  bool initialised_ = false;
  bool train_mode_ = false;  // model mode of the training steps
  bool patience_on_improvement_only_ = false;
  std::shared_ptr<CudaGraphStep> graph_;  // CUDA builds only (shared: no destructor needed here)
  OptimizerSet optimizers_;
  int64_t epoch_ = 0, step_no_ = 0;  // of the step in progress (for messages)
};

}  // namespace morphaeus
