// Learning-rate schedules of the upstream trainers (docs/METHOD.md section 6) and how they are
// stepped.
//   cosine       CosineAnnealingLR(T_max 100, eta_min 0):  base * (1 + cos(pi t / 100)) / 2
//   exponential  ExponentialLR(gamma 0.97):                base * 0.97^t
//   multistep    MultiStepLR(milestones, gamma):           base * gamma^(#milestones <= t)
//   plateau      ReduceLROnPlateau(min, factor 0.1, patience 10, rel. threshold 1e-4, eps 1e-8)
// Upstream (core/Trainer.py, SIVAETrainer.py) calls scheduler.step(val_loss) for every kind, and
// PyTorch then takes the closed form with last_epoch t = the validation loss, a float: cosine,
// exponential and multistep stay near the base lr. That is the default (`val_loss`); `epoch`
// steps them once per epoch as PyTorch documents (t = epochs done). Plateau always takes the
// validation loss. The state (base lr, plateau best and bad-epoch count) goes into checkpoints,
// so a resumed schedule continues where it stopped.
#pragma once

#include <ATen/core/ivalue.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace morphaeus {

class CheckedValue;

enum class ScheduleStep { ValidationLoss, Epoch };

struct LrScheduleOptions {
  std::string kind = "none";  // none | cosine | exponential | multistep | plateau
  double base_lr = 1e-3;
  ScheduleStep step = ScheduleStep::ValidationLoss;
  double t_max = 100;                                 // cosine
  double gamma = 0.97;                                // exponential; multistep (0.1)
  std::vector<double> milestones;                     // multistep
  double factor = 0.1, threshold = 1e-4, eps = 1e-8;  // plateau
  int patience = 10;                                  // plateau
};

class LrSchedule {
 public:
  explicit LrSchedule(LrScheduleOptions options);

  // After epoch `epoch` (0-based) with its validation loss when it was validated: the learning
  // rate for the next epoch, or nullopt when this schedule leaves `current` as it is.
  std::optional<double> next(int64_t epoch, std::optional<double> val_loss, double current);

  // {'kind', 'step', 'base_lr', 'best', 'num_bad_epochs'} for a checkpoint.
  c10::IValue state() const;
  // From a checkpoint's state; a state of another kind or step rule is ignored (returns false).
  bool restore(const CheckedValue& state);
  // "cosine, stepped by val_loss" (for messages).
  std::string describe() const;
  const LrScheduleOptions& options() const { return o_; }

 private:
  double closedForm(double t) const;
  LrScheduleOptions o_;
  double best_ = std::numeric_limits<double>::infinity();
  int64_t bad_epochs_ = 0;
};

// "val_loss" | "epoch"; throws std::invalid_argument otherwise.
ScheduleStep scheduleStepFromName(const std::string& name);
std::string scheduleStepName(ScheduleStep step);

}  // namespace morphaeus
