#include "core/train/trainer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "core/base/mixed_precision.h"
#include "core/base/resident_memory.h"
#include "core/base/run_layout.h"
#include "core/train/data_parallel.h"
#include "core/train/loss_accumulator.h"
#ifdef MORPHAEUS_HAVE_CUDA
#include "core/train/cuda_graph_step.h"
#endif
#include "core/train/metrics_log.h"
#include "core/train/progress.h"
#include "core/train/stop_signal.h"

namespace morphaeus {

Trainer::Trainer(TrainerSetup setup)
    : setup_(std::move(setup)),
      options_(setup_.options),
      fast_(resolveFastPath(options_.fast, setup_.device.type())),
      parallel_(std::make_unique<DataParallel>(setup_.process_group, options_.sync_batchnorm,
                                               options_.gradient_buckets)),
      state_(EarlyStopping(options_.patience_validations, options_.min_delta)) {
  if (fast_.channels_last) toChannelsLast(*setup_.model);
  if (fast_.float64) setup_.model->to(torch::kDouble);
  parallel_->broadcastModel(*setup_.model);  // every rank starts from rank 0's weights
  setOptimizers({{"optimizer_weights", setup_.model->parameters()}}, adamOptions());
}

Trainer::~Trainer() = default;

void Trainer::prepareModule(torch::nn::Module& module) const {
  if (fast_.channels_last) toChannelsLast(module);
}

LrScheduleOptions Trainer::upstreamSchedule() const {
  LrScheduleOptions o;
  o.kind = options_.lr_scheduler;
  o.base_lr = adamOptions().lr;
  if (o.kind == "exponential") o.gamma = 0.97;
  return o;
}

// Once, at the first step or the start of train() (the trainer's overrides are known by then).
void Trainer::initialise() {
  if (initialised_) return;
  initialised_ = true;
  train_mode_ = options_.train_mode.value_or(upstreamTrainsInTrainMode());
  patience_on_improvement_only_ =
      options_.patience_on_improvement.value_or(upstreamChecksPatienceOnlyOnImprovement());
  LrScheduleOptions schedule = upstreamSchedule();
  schedule.step = options_.lr_scheduler_step;
  state_.schedule.emplace(schedule);
  if (setup_.resume) state_.readFrom(*setup_.resume);
  spdlog::info("training steps in {} mode ({}); lr schedule {}{}; early stopping {}",
               train_mode_ ? "train" : "eval",
               options_.train_mode ? "training_mode" : "as upstream", schedule.kind,
               schedule.kind == "none" || schedule.kind == "plateau"
                   ? ""
                   : " stepped by " + scheduleStepName(schedule.step),
               patience_on_improvement_only_ ? "checked only after an improvement (as upstream)"
                                             : "checked after every validation");
  checkFastPath();
}

void Trainer::checkFastPath() {
  if (fast_.precision == Precision::Auto && fast_.autocast && !supportsFastPath()) {
    fast_.autocast.reset();  // auto never refuses: this trainer's own step runs in float32
    fast_.chosen = std::string("fp32") + (fast_.channels_last ? " + channels_last" : "") +
                   " (auto: this trainer has its own optimisation step, which runs in float32)" +
                   (fast_.fused_adam ? ", fused Adam" : "");
  }
  spdlog::info("precision {}", fast_.chosen);
  requireFastPathSupport(fast_, {supportsFastPath(), supportsCudaGraph(), parallel_->active()});
  if (!fast_.cuda_graph) return;
  if (!setup_.device.is_cuda()) {
    spdlog::warn("trainer.params.performance.cuda_graph applies on CUDA only; running eagerly");
    return;
  }
#ifdef MORPHAEUS_HAVE_CUDA
  optimizers_.makeCapturable();
  graph_ = std::make_shared<CudaGraphStep>();
#endif
}

void Trainer::setOptimizers(OptimizerSet::Groups groups, const AdamOptions& options) {
  optimizers_.reset(std::move(groups), options, setup_.resume);
}

std::string Trainer::runFile(const std::string& name) const {
  return (std::filesystem::path(setup_.run_dir) / name).string();
}

Checkpoint Trainer::snapshot(int64_t epoch, int64_t next_step) const {
  Checkpoint c;
  c.model_weights = stateDict(*setup_.model);
  optimizers_.writeTo(c);
  TrainingState at = state_;
  at.epoch = epoch;
  at.next_step = next_step;
  at.writeTo(c);
  return c;
}

void Trainer::save(const std::string& name, int64_t epoch, int64_t next_step) const {
  if (parallel_->isMain()) writeCheckpoint(runFile(name), snapshot(epoch, next_step));
}

nlohmann::json Trainer::validate() {
  BatchLoader& val = *setup_.data.val;
  setup_.model->eval();
  torch::NoGradGuard no_grad;
  LossAccumulator acc;
  val.startEpoch(0);
  while (auto batch = val.next()) {
    const auto x = batch->images.to(setup_.device, fast_.float64 ? torch::kDouble : torch::kFloat);
    acc.add(validationLosses(x), x.size(0));
  }
  setup_.model->train(train_mode_);
  std::vector<double> sums = acc.read();
  int64_t images = acc.images();
  parallel_->sum(sums, images);
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < acc.names().size(); ++i)
    out["val_" + acc.names()[i]] = images ? sums[i] / images : 0.0;
  return out;
}

NamedLosses Trainer::trainLosses(const torch::Tensor&, int64_t) {
  throw std::logic_error("a trainer must implement trainLosses() or optimize()");
}

void Trainer::requireFinite(const NamedLosses& losses) const {
  if (fast_.deferredChecks()) return;
  for (const auto& [name, value] : losses) {
    const double v = value.item<double>();
    if (!std::isfinite(v)) stopOnNonFinite(name, v, step_no_);
  }
}

void Trainer::stopOnNonFinite(const std::string& name, double value, int64_t since_step) const {
  throw nonFiniteLoss(name, value, epoch_, since_step, step_no_,
                      runFile(RunLayout::kLatestCheckpoint));
}

void Trainer::stopOnSignal(int64_t epoch, int64_t step) const {
  save(RunLayout::kLatestCheckpoint, epoch - 1, step);
  throw stoppedBySignal(stopSignal(), epoch, step, parallel_->isMain() ? "" : "rank 0 ",
                        runFile(RunLayout::kLatestCheckpoint));
}

void Trainer::minimise(std::size_t i, const torch::Tensor& loss) {
  optimizer(i).zeroGrad();
  parallel_->beforeBackward(i, optimizer(i).params());
  loss.backward();
  parallel_->afterBackward(i);
  optimizer(i).step();
}

NamedLosses Trainer::optimize(const torch::Tensor& x, int64_t epoch) {
  NamedLosses losses;
  {  // forward and losses under autocast (if on); backward and the update outside it
    const AutocastGuard autocast(setup_.device.type(), fast_.autocast);
    losses = trainLosses(x, epoch);
  }
  requireFinite({losses.front()});
  minimise(0, losses.front().second);
  return losses;
}

NamedLosses Trainer::step(const torch::Tensor& x, int64_t epoch, int64_t step_no) {
  epoch_ = epoch;
  step_no_ = step_no;
  if (!initialised_) initialise();
  setup_.model->train(train_mode_);
  parallel_->beforeStep(*setup_.model);
  torch::Tensor input = fast_.float64 ? x.to(torch::kDouble) : x;
  if (fast_.channels_last && input.dim() == 4)
    input = input.contiguous(at::MemoryFormat::ChannelsLast);
#ifdef MORPHAEUS_HAVE_CUDA
  if (graph_ && input.is_cuda()) {
    return graph_->run(input, epoch, [&](const torch::Tensor& xs) { return optimize(xs, epoch); });
  }
#endif
  return optimize(input, epoch);
}

nlohmann::json Trainer::epochRow(int64_t epoch, const std::vector<std::string>& names,
                                 std::vector<double> sums, int64_t images, double secs) const {
  parallel_->sum(sums, images);
  nlohmann::json row = {{"epoch", epoch + 1},  // counted from 1, as the log and the docs
                        {"lr", optimizers_.at(0).lr()},
                        {"time_s", secs},
                        {"images_per_s", images / std::max(secs, 1e-9)},
                        {"rss_mb", residentMiB()}};  // this process's (rank 0's)
  for (std::size_t i = 0; i < names.size(); ++i)
    row["train_" + names[i]] = images ? sums[i] / images : 0.0;
  row.update(epochValues());
  return row;
}

bool Trainer::afterValidation(int64_t epoch, double val_loss) {
  const bool improved = val_loss < state_.best_val;
  if (improved) {
    state_.best_val = val_loss;
    state_.best_epoch = epoch;
    save(RunLayout::kBestCheckpoint, epoch, 0);
  }
  if (!improved && patience_on_improvement_only_) return false;
  return state_.early.update(val_loss);
}

// The epoch loop (docs/METHOD.md section 3): per epoch the seeded order's batches, one step each;
// the epoch's losses; validation every val_interval epochs (and after the last); the lr schedule;
// latest_model.pt; early stopping. A resume starts after the checkpoint's epoch and step.
Trainer::EpochRun Trainer::trainEpoch(int64_t epoch, int64_t skip_steps, Progress& progress) {
  BatchLoader& train = *setup_.data.train;
  const auto t0 = std::chrono::steady_clock::now();
  startEpoch(epoch);
  progress.startEpoch(epoch);
  train.startEpoch(epoch);
  LossAccumulator acc;
  std::string shown;
  int64_t step = 0, unchecked_since = 0;
  // Reads the summed losses back (one host sync) and stops on a non-finite one.
  const auto readBack = [&] {
    if (const auto bad = acc.firstNonFinite())
      stopOnNonFinite(acc.names()[*bad], acc.read()[*bad], unchecked_since);
    unchecked_since = 0;
    shown = acc.describe();
  };
  while (auto batch = train.next()) {
    if (++step <= skip_steps) continue;
    const auto x = batch->images.to(setup_.device, /*non_blocking=*/true);
    if (!unchecked_since) unchecked_since = step;
    acc.add(this->step(x, epoch, step), x.size(0));
    if (step % fast_.loss_readback_every == 0) readBack();
    progress.step(step, x.size(0), shown);
    if (parallel_->any(stopRequested())) {
      readBack();  // never checkpoint weights updated with a non-finite loss
      progress.endEpoch();
      stopOnSignal(epoch, step);
    }
  }
  if (acc.images()) readBack();
  progress.endEpoch();
  EpochRun run;
  run.secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  run.row = epochRow(epoch, acc.names(), acc.read(), acc.images(), run.secs);
  return run;
}

bool Trainer::finishEpoch(int64_t epoch, EpochRun run, MetricsLog* metrics, TrainResult& result) {
  const int64_t epochs = options_.nr_epochs;
  parallel_->requireSameWeights(*setup_.model, epoch);
  bool stop = false;
  std::optional<double> val;
  if ((epoch + 1) % options_.val_interval == 0 || epoch + 1 == epochs) {
    run.row.update(validate());
    val = run.row.value(std::string("val_") + kValidationLoss, 0.0);
    stop = afterValidation(epoch, *val);
  }
  if (const auto lr = state_.schedule->next(epoch, val, optimizer().lr())) setLearningRate(*lr);
  save(RunLayout::kLatestCheckpoint, epoch, 0);
  if (metrics != nullptr) metrics->append(run.row);
  spdlog::info("epoch {}/{}: {} ({:.1f} s, {:.1f} img/s)", epoch + 1, epochs, run.row.dump(),
               run.secs, run.row["images_per_s"].get<double>());
  if (val && parallel_->isMain() && setup_.after_validation) setup_.after_validation(epoch, epochs);
  result.last_epoch = epoch;
  if (!stop) return false;
  spdlog::info("early stopping after epoch {} (no improvement for {} validations)", epoch + 1,
               options_.patience_validations);
  result.early_stopped = true;
  return true;
}

TrainResult Trainer::train() {
  if (!initialised_) initialise();
  int64_t start_epoch = 0, skip_steps = 0;
  if (setup_.resume) {
    skip_steps = state_.next_step;
    start_epoch = state_.epoch + 1;
    spdlog::info("resuming at epoch {}{}", start_epoch,
                 skip_steps ? fmt::format(", step {}", skip_steps + 1) : "");
    state_.restoreGenerator();
  }
  std::optional<MetricsLog> metrics;  // rank 0 writes the metrics
  if (parallel_->isMain()) {
    metrics.emplace(setup_.run_dir);
    metrics->loadUntil(start_epoch);
  }
  installStopHandlers();

  const int64_t epochs = options_.nr_epochs;
  Progress progress(epochs, static_cast<int64_t>(setup_.data.train->batchesPerEpoch()),
                    parallel_->isMain());
  setup_.model->train(train_mode_);
  TrainResult result;
  result.latest_checkpoint = runFile(RunLayout::kLatestCheckpoint);
  result.best_checkpoint = runFile(RunLayout::kBestCheckpoint);
  for (int64_t epoch = start_epoch; epoch < epochs; ++epoch) {
    EpochRun run = trainEpoch(epoch, skip_steps, progress);
    skip_steps = 0;  // only the resumed epoch skips the steps it had done
    if (finishEpoch(epoch, std::move(run), metrics ? &*metrics : nullptr, result)) break;
  }
  result.best_val = state_.best_val;
  return result;
}

}  // namespace morphaeus
