#include "core/train/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "core/checkpoint/checked_value.h"

namespace morphaeus {

ScheduleStep scheduleStepFromName(const std::string& name) {
  if (name == "val_loss") return ScheduleStep::ValidationLoss;
  if (name == "epoch") return ScheduleStep::Epoch;
  throw std::invalid_argument("unknown lr_scheduler_step \"" + name + "\" (val_loss, epoch)");
}

std::string scheduleStepName(ScheduleStep step) {
  return step == ScheduleStep::Epoch ? "epoch" : "val_loss";
}

std::string LrSchedule::describe() const {
  return o_.kind + ", stepped by " + scheduleStepName(o_.step);
}

LrSchedule::LrSchedule(LrScheduleOptions options) : o_(std::move(options)) {
  if (o_.kind == "multistep") std::sort(o_.milestones.begin(), o_.milestones.end());
}

double LrSchedule::closedForm(double t) const {
  constexpr double kPi = 3.14159265358979323846;
  if (o_.kind == "cosine") return o_.base_lr * (1 + std::cos(kPi * t / o_.t_max)) / 2;
  if (o_.kind == "exponential") return o_.base_lr * std::pow(o_.gamma, t);
  // multistep: bisect_right(milestones, t) milestones passed
  const auto passed =
      std::upper_bound(o_.milestones.begin(), o_.milestones.end(), t) - o_.milestones.begin();
  return o_.base_lr * std::pow(o_.gamma, static_cast<double>(passed));
}

std::optional<double> LrSchedule::next(int64_t epoch, std::optional<double> val_loss,
                                       double current) {
  if (o_.kind == "none") return std::nullopt;
  if (o_.kind == "plateau") {
    if (!val_loss) return std::nullopt;
    if (*val_loss < best_ * (1 - o_.threshold)) {
      best_ = *val_loss;
      bad_epochs_ = 0;
    } else if (++bad_epochs_ > o_.patience) {
      bad_epochs_ = 0;
      const double reduced = current * o_.factor;
      if (current - reduced > o_.eps) return reduced;
    }
    return std::nullopt;
  }
  if (o_.step == ScheduleStep::Epoch) return closedForm(static_cast<double>(epoch + 1));
  if (!val_loss) return std::nullopt;
  return closedForm(*val_loss);
}

c10::IValue LrSchedule::state() const {
  c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
  d.insert("kind", o_.kind);
  d.insert("step", scheduleStepName(o_.step));
  d.insert("base_lr", o_.base_lr);
  d.insert("best", std::isfinite(best_) ? c10::IValue(best_) : c10::IValue());
  d.insert("num_bad_epochs", bad_epochs_);
  return d;
}

bool LrSchedule::restore(const CheckedValue& state) {
  if (state.at("kind").string() != o_.kind ||
      state.at("step").string() != scheduleStepName(o_.step))
    return false;
  const double base = state.at("base_lr").number();
  if (!(base >= 0) || !std::isfinite(base)) state.at("base_lr").fail("expected a finite lr >= 0");
  const CheckedValue best = state.at("best");
  const int64_t bad = state.at("num_bad_epochs").integer();
  if (bad < 0) state.at("num_bad_epochs").fail("expected a count >= 0");
  o_.base_lr = base;
  best_ = best.isNone() ? std::numeric_limits<double>::infinity() : best.number();
  bad_epochs_ = bad;
  return true;
}

}  // namespace morphaeus
