#include "core/train/trainer.h"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <mutex>

#include "core/base/mixed_precision.h"
#include "core/checkpoint/checked_value.h"
#include "core/checkpoint/checkpoint_error.h"
#include "core/distributed/process_group.h"
#include "core/distributed/sync_batch_norm.h"
#include "core/registry/registry.h"
#include "core/train/loss_accumulator.h"
#ifdef MORPHAEUS_HAVE_CUDA
#include "core/train/cuda_graph_step.h"
#endif
#include "core/train/early_stopping.h"
#include "core/train/lr_schedule.h"
#include "core/train/metrics_log.h"
#include "core/train/progress.h"
#include "core/train/stop_signal.h"

namespace morphaeus {
namespace {

AdamOptions adamOptionsOf(const ConfigNode& params) {
  AdamOptions o;
  const ConfigNode& opt = params.at("optimizer_params");
  o.lr = opt.getDouble("lr", o.lr);
  o.eps = opt.getDouble("eps", o.eps);
  o.weight_decay = opt.getDouble("weight_decay", o.weight_decay);
  o.amsgrad = opt.getBool("amsgrad", false);
  if (opt.has("betas")) {
    o.beta1 = opt.at("betas").items()[0].asDouble();
    o.beta2 = opt.at("betas").items()[1].asDouble();
  }
  if (params.getString("lr_scheduler", "none") ==
      "cosine") {  // upstream switches Adam settings too
    o.amsgrad = true;
    o.weight_decay = 1e-5;
  }
  return o;
}

const c10::IValue* extra(const Checkpoint& c, const std::string& key) {
  for (const auto& [k, v] : c.extra)
    if (k == key) return &v;
  return nullptr;
}

std::string describe(LossAccumulator& acc) {
  std::string out;
  const auto& sums = acc.read();
  for (std::size_t i = 0; i < sums.size(); ++i) {
    out += fmt::format("{}{} {:.5f}", i ? " " : "", acc.names()[i],
                       acc.images() ? sums[i] / acc.images() : 0.0);
  }
  return out;
}

// torch's default CPU generator (torch.get_rng_state() layout): the random draws of the stochastic
// trainers (VAE sampling, adversarial noise) continue on resume exactly as without interruption.
torch::Tensor cpuGeneratorState() {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();
}

void restoreCpuGenerator(const c10::IValue* state) {
  if (state == nullptr || !state->isTensor()) return;
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  try {
    gen.set_state(state->toTensor());
  } catch (const c10::Error& e) {
    throw CheckpointError("resume checkpoint",
                          std::string("torch_rng_state: ") + e.what_without_backtrace());
  }
}

// Data-parallel runs: the sums and the image count over every rank's shard.
void globalSums(std::vector<double>& sums, int64_t& images) {
  ProcessGroup* g = ProcessGroup::current();
  if (g == nullptr) return;
  torch::Tensor t = torch::zeros({static_cast<int64_t>(sums.size()) + 1}, torch::kDouble);
  auto* p = t.data_ptr<double>();
  std::copy(sums.begin(), sums.end(), p);
  p[sums.size()] = static_cast<double>(images);
  g->allReduceSum(t);
  p = t.data_ptr<double>();
  std::copy(p, p + sums.size(), sums.begin());
  images = static_cast<int64_t>(p[sums.size()]);
}

// Whether any rank was asked to stop (SIGINT/SIGTERM): all ranks stop after the same step.
bool anyStopRequested() {
  bool stop = stopRequested();
  if (ProcessGroup* g = ProcessGroup::current()) {
    torch::Tensor t = torch::full({1}, stop ? 1.0 : 0.0);
    g->allReduceSum(t);
    stop = t.item<double>() > 0;
  }
  return stop;
}

// Local BatchNorm (no sync_batchnorm): like PyTorch DDP's broadcast_buffers, rank 0's running
// statistics go to every rank -- before each step and before validation and checkpoints.
void broadcastBuffers(torch::nn::Module& model) {
  if (ProcessGroup* g = ProcessGroup::current()) g->broadcast(model.buffers());
}

// Data-parallel runs: every rank must hold the same weights; compares a float64 checksum of
// all parameters and buffers across the ranks (bit-identical weights give identical sums).
void requireSameWeights(torch::nn::Module& model, int64_t epoch) {
  ProcessGroup* g = ProcessGroup::current();
  if (g == nullptr) return;
  torch::NoGradGuard no_grad;
  broadcastBuffers(model);
  torch::Tensor sum = torch::zeros({1, 2}, torch::kDouble);
  int64_t k = 0;
  auto add = [&](const torch::Tensor& t) {
    const auto d = t.detach().to(torch::kCPU, torch::kDouble);
    sum[0][0] += d.sum();
    sum[0][1] += (d * static_cast<double>(++k % 7 + 1)).abs().sum();
  };
  for (const auto& p : model.parameters()) add(p);
  for (const auto& b : model.buffers()) add(b);
  const torch::Tensor all = g->allGather(sum);
  if (!all.eq(sum).all().item<bool>()) {
    throw DistributedError(
        fmt::format("rank {}: the weights differ between the ranks after epoch {} (checksums {})",
                    g->rank(), epoch, fmt::streamed(all)));
  }
  spdlog::info("distributed: weights identical on all {} ranks after epoch {} (checksum {:.17g})",
               g->size(), epoch, sum[0][0].item<double>());
}

}  // namespace

Trainer::Trainer(TrainerSetup setup)
    : setup_(std::move(setup)), fast_(fastPathOptions(setup_.params)) {
  if (fast_.channels_last) toChannelsLast(*setup_.model);
  if (fast_.float64) setup_.model->to(torch::kDouble);
  if (ProcessGroup* g = ProcessGroup::current()) {
    // Every rank starts from rank 0's weights and buffers (also after a resume: same file).
    std::vector<torch::Tensor> state = setup_.model->parameters();
    for (const auto& b : setup_.model->buffers()) state.push_back(b);
    g->broadcast(state);
    sync_batchnorm_ = setup_.params.getBool("sync_batchnorm", false);
    if (sync_batchnorm_) installSyncBatchNorm(g);
  }
  criterion_ = Registry::global().requireFactory<LossFactory>(ComponentKind::Loss,
                                                              setup_.params.at("loss"))();
  setOptimizers({{"optimizer_weights", setup_.model->parameters()}}, adamOptions());
  if (setup_.resume) {
    const Checkpoint& r = *setup_.resume;
    if (auto v = extra(r, "best_val"); v && v->isDouble()) best_val_ = v->toDouble();
    if (auto v = extra(r, "best_epoch"); v && v->isInt()) best_epoch_ = v->toInt();
    if (auto v = extra(r, "early_stop_counter"); v && v->isInt())
      early_counter_ = static_cast<int>(v->toInt());
    if (auto v = extra(r, "early_stop_best"); v && v->isDouble()) early_best_ = v->toDouble();
  }
}

Trainer::~Trainer() {
  if (ProcessGroup::current()) installSyncBatchNorm(nullptr);
}

void Trainer::prepareModule(torch::nn::Module& module) const {
  if (fast_.channels_last) toChannelsLast(module);
}

LrScheduleOptions Trainer::upstreamSchedule() const {
  LrScheduleOptions o;
  o.kind = params().getString("lr_scheduler", "none");
  o.base_lr = adamOptions().lr;
  if (o.kind == "exponential") o.gamma = 0.97;
  return o;
}

// Once, at the first step or the start of train() (the trainer's overrides are known by then).
void Trainer::initialise() {
  initialised_ = true;
  const ConfigNode& p = params();
  train_mode_ =
      p.getString("training_mode", upstreamTrainsInTrainMode() ? "train" : "eval") == "train";
  patience_on_improvement_only_ =
      p.getString("early_stopping", upstreamChecksPatienceOnlyOnImprovement()
                                        ? "on_improvement"
                                        : "every_validation") == "on_improvement";
  LrScheduleOptions schedule = upstreamSchedule();
  schedule.step = scheduleStepFromName(p.getString("lr_scheduler_step", "val_loss"));
  schedule_.emplace(schedule);
  if (setup_.resume) {
    if (const c10::IValue* state = extra(*setup_.resume, "lr_scheduler_state");
        state && !state->isNone() &&
        !schedule_->restore(CheckedValue(*state, setup_.resume->path, "lr_scheduler_state"))) {
      spdlog::warn(
          "the resume checkpoint's learning-rate schedule is not the configured one "
          "({}, stepped by {}); it starts afresh",
          schedule.kind, scheduleStepName(schedule.step));
    }
  }
  spdlog::info("training steps in {} mode ({}); lr schedule {}{}; early stopping {}",
               train_mode_ ? "train" : "eval",
               p.has("training_mode") ? "training_mode" : "as upstream", schedule.kind,
               schedule.kind == "none" || schedule.kind == "plateau"
                   ? ""
                   : " stepped by " + scheduleStepName(schedule.step),
               patience_on_improvement_only_ ? "checked only after an improvement (as upstream)"
                                             : "checked after every validation");
  checkFastPath();
}

void Trainer::checkFastPath() {
  if ((fast_.autocast || fast_.cuda_graph) && !supportsFastPath()) {
    throw setup_.params.at("performance")
        .error(
            "precision: bf16 and cuda_graph need a trainer with one optimiser and the "
            "default step; this trainer has its own optimisation step");
  }
  if (fast_.cuda_graph && !supportsCudaGraph()) {
    throw setup_.params.at("performance")
        .error(
            "cuda_graph: this trainer's step keeps host-side state that changes every step "
            "(a step counter or host-drawn noise) and cannot be replayed as a CUDA graph");
  }
  if (fast_.cuda_graph && ProcessGroup::current()) {
    throw setup_.params.at("performance")
        .error(
            "cuda_graph: not with several processes (the gradient all-reduce and the buffer "
            "broadcast run between the steps' kernels); use it in single-process runs");
  }
  if (!fast_.cuda_graph) return;
  if (!setup_.device.is_cuda()) {
    spdlog::warn("trainer.params.performance.cuda_graph applies on CUDA only; running eagerly");
    return;
  }
#ifdef MORPHAEUS_HAVE_CUDA
  for (auto& [key, adam] : optimizers_) adam->makeCapturable();
  graph_ = std::make_shared<CudaGraphStep>();
#endif
}

AdamOptions Trainer::adamOptions() const {
  return adamOptionsOf(setup_.params);
}

void Trainer::setOptimizers(std::vector<std::pair<std::string, std::vector<torch::Tensor>>> groups,
                            const AdamOptions& options) {
  optimizers_.clear();
  for (auto& [key, params] : groups) {
    auto adam = std::make_unique<Adam>(std::move(params), options);
    if (setup_.resume) {
      const Checkpoint& r = *setup_.resume;
      const c10::IValue* state = key == "optimizer_weights" ? &r.optimizer_weights : extra(r, key);
      if (state && !state->isNone()) {
        adam->loadStateDict(*state, r.path, key);
      } else {
        spdlog::info("{}: no {}; that optimiser starts afresh", r.path, key);
      }
    }
    optimizers_.emplace_back(key, std::move(adam));
  }
}

void Trainer::setLearningRate(double lr) {
  for (auto& [key, adam] : optimizers_) adam->setLr(lr);
}

Checkpoint Trainer::snapshot(int64_t epoch, int64_t next_step) const {
  Checkpoint c;
  c.model_weights = stateDict(*setup_.model);
  for (const auto& [key, adam] : optimizers_) {
    if (key == "optimizer_weights")
      c.optimizer_weights = adam->stateDict();
    else
      c.extra.emplace_back(key, adam->stateDict());
  }
  c.epoch = epoch;
  c.extra.insert(c.extra.end(),
                 {{"next_step", next_step},
                  {"best_val", best_val_},
                  {"best_epoch", best_epoch_},
                  {"early_stop_counter", static_cast<int64_t>(early_counter_)},
                  {"early_stop_best", early_best_ ? c10::IValue(*early_best_) : c10::IValue()},
                  {"lr_scheduler_state", schedule_ ? schedule_->state() : c10::IValue()},
                  {"torch_rng_state", cpuGeneratorState()}});
  return c;
}

void Trainer::save(const std::string& name, int64_t epoch, int64_t next_step) const {
  if (!ProcessGroup::isMainProcess()) return;  // rank 0 writes the checkpoints
  writeCheckpoint((std::filesystem::path(setup_.run_dir) / name).string(),
                  snapshot(epoch, next_step));
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
  const std::vector<std::string>& names = acc.names();
  std::vector<double> sums = acc.read();
  int64_t images = acc.images();
  globalSums(sums, images);
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < names.size(); ++i)
    out["val_" + names[i]] = images ? sums[i] / images : 0.0;
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
  const std::string latest = (std::filesystem::path(setup_.run_dir) / "latest_model.pt").string();
  const std::string where = since_step == step_no_
                                ? fmt::format("step {}", step_no_)
                                : fmt::format("steps {}..{}", since_step, step_no_);
  throw TrainingStopped(fmt::format(
      "non-finite {} ({}) at epoch {} {}; training stopped, {}", name, value, epoch_, where,
      std::filesystem::exists(latest)
          ? fmt::format("the last good checkpoint is {} (unchanged)", latest)
          : std::string("no checkpoint had been written yet")));
}

void Trainer::minimise(std::size_t i, const torch::Tensor& loss) {
  optimizer(i).zeroGrad();
  loss.backward();
  if (ProcessGroup* g = ProcessGroup::current()) g->averageGradients(optimizer(i).params());
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
  if (ProcessGroup::current() && !sync_batchnorm_) broadcastBuffers(*setup_.model);
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

TrainResult Trainer::train() {
  const int64_t epochs = params().getInt("nr_epochs", 1);
  const int64_t val_interval = params().getInt("val_interval", 1);
  EarlyStopping early(static_cast<int>(params().getInt("patience", 25)),
                      params().getDouble("min_delta", 1e-8));
  early.restore(early_best_, early_counter_);
  if (!initialised_) initialise();

  int64_t start_epoch = 0, skip_steps = 0;
  if (setup_.resume) {
    const auto next = extra(*setup_.resume, "next_step");
    skip_steps = next && next->isInt() ? next->toInt() : 0;
    start_epoch = setup_.resume->epoch + 1;
    spdlog::info("resuming at epoch {}{}", start_epoch,
                 skip_steps ? fmt::format(", step {}", skip_steps + 1) : "");
    restoreCpuGenerator(extra(*setup_.resume, "torch_rng_state"));
  }
  std::optional<MetricsLog> metrics;  // rank 0 writes the metrics
  if (ProcessGroup::isMainProcess()) {
    metrics.emplace(setup_.run_dir);
    metrics->loadUntil(start_epoch);
  }
  installStopHandlers();

  BatchLoader& train = *setup_.data.train;
  Progress progress(epochs, static_cast<int64_t>(train.batchesPerEpoch()));
  setup_.model->train(train_mode_);
  TrainResult result;
  result.latest_checkpoint = (std::filesystem::path(setup_.run_dir) / "latest_model.pt").string();
  result.best_checkpoint = (std::filesystem::path(setup_.run_dir) / "best_model.pt").string();
  for (int64_t epoch = start_epoch; epoch < epochs; ++epoch) {
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
      shown = describe(acc);
    };
    while (auto batch = train.next()) {
      if (++step <= skip_steps) continue;
      const auto x = batch->images.to(setup_.device, /*non_blocking=*/true);
      if (!unchecked_since) unchecked_since = step;
      acc.add(this->step(x, epoch, step), x.size(0));
      if (step % fast_.loss_readback_every == 0) readBack();
      progress.step(step, x.size(0), shown);
      if (anyStopRequested()) {
        readBack();  // never checkpoint weights updated with a non-finite loss
        progress.endEpoch();
        save("latest_model.pt", epoch - 1, step);
        throw TrainingStopped(fmt::format(
            "stopped by signal {} at epoch {} step {}; {}wrote {} (resume with --resume)",
            stopSignal(), epoch, step, ProcessGroup::isMainProcess() ? "" : "rank 0 ",
            result.latest_checkpoint));
      }
    }
    skip_steps = 0;
    if (acc.images()) readBack();
    progress.endEpoch();
    const std::vector<std::string>& names = acc.names();
    std::vector<double> sums = acc.read();
    int64_t images = acc.images();
    globalSums(sums, images);
    requireSameWeights(*setup_.model, epoch);

    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    nlohmann::json row = {{"epoch", epoch},
                          {"lr", optimizer().lr()},
                          {"time_s", secs},
                          {"images_per_s", images / std::max(secs, 1e-9)}};
    for (std::size_t i = 0; i < names.size(); ++i)
      row["train_" + names[i]] = images ? sums[i] / images : 0.0;
    row.update(epochValues());
    bool stop = false;
    std::optional<double> val;
    if ((epoch + 1) % val_interval == 0 || epoch + 1 == epochs) {
      row.update(validate());
      val = row.value("val_loss", 0.0);
      const bool improved = *val < best_val_;
      if (improved) {
        best_val_ = *val;
        best_epoch_ = epoch;
        save("best_model.pt", epoch, 0);
      }
      if (improved || !patience_on_improvement_only_) {
        stop = early.update(*val);
        early_counter_ = early.counter();
        early_best_ = early.best();
      }
    }
    if (const auto lr = schedule_->next(epoch, val, optimizer().lr())) setLearningRate(*lr);
    save("latest_model.pt", epoch, 0);
    if (metrics) metrics->append(row);
    spdlog::info("epoch {}/{}: {} ({:.1f} s, {:.1f} img/s)", epoch + 1, epochs, row.dump(), secs,
                 row["images_per_s"].get<double>());
    result.last_epoch = epoch;
    if (stop) {
      spdlog::info("early stopping after epoch {} (no improvement for {} validations)", epoch + 1,
                   params().getInt("patience", 25));
      result.early_stopped = true;
      break;
    }
  }
  result.best_val = best_val_;
  return result;
}

}  // namespace morphaeus
