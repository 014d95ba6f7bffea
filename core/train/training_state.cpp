#include "core/train/training_state.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/Generator.h>
#include <spdlog/spdlog.h>

#include <mutex>

#include "core/checkpoint/checked_value.h"
#include "core/checkpoint/checkpoint_error.h"

namespace morphaeus {
namespace {

at::Tensor cpuGeneratorState() {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();
}

}  // namespace

void TrainingState::writeTo(Checkpoint& c) const {
  c.epoch = epoch;
  const std::optional<double> best = early.best();
  c.extra.insert(c.extra.end(),
                 {{"next_step", next_step},
                  {"best_val", best_val},
                  {"best_epoch", best_epoch},
                  {"early_stop_counter", static_cast<int64_t>(early.counter())},
                  {"early_stop_best", best ? c10::IValue(*best) : c10::IValue()},
                  {"lr_scheduler_state", schedule ? schedule->state() : c10::IValue()},
                  {"torch_rng_state", cpuGeneratorState()}});
}

void TrainingState::readFrom(const Checkpoint& c) {
  epoch = c.epoch;
  if (auto v = c.find("next_step"); v && v->isInt()) next_step = v->toInt();
  if (auto v = c.find("best_val"); v && v->isDouble()) best_val = v->toDouble();
  if (auto v = c.find("best_epoch"); v && v->isInt()) best_epoch = v->toInt();
  std::optional<double> early_best = early.best();
  int counter = early.counter();
  if (auto v = c.find("early_stop_counter"); v && v->isInt()) {
    counter = static_cast<int>(v->toInt());
  }
  if (auto v = c.find("early_stop_best"); v && v->isDouble()) early_best = v->toDouble();
  early.restore(early_best, counter);
  if (const c10::IValue* state = c.find("lr_scheduler_state");
      schedule && state && !state->isNone() &&
      !schedule->restore(CheckedValue(*state, c.path, "lr_scheduler_state"))) {
    spdlog::warn(
        "the resume checkpoint's learning-rate schedule is not the configured one ({}); it starts "
        "afresh",
        schedule->describe());
  }
  if (auto v = c.find("torch_rng_state"); v && v->isTensor()) rng = v->toTensor();
}

void TrainingState::restoreGenerator() const {
  if (!rng.defined()) return;
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  try {
    gen.set_state(rng);
  } catch (const c10::Error& e) {
    throw CheckpointError("resume checkpoint",
                          std::string("torch_rng_state: ") + e.what_without_backtrace());
  }
}

}  // namespace morphaeus
