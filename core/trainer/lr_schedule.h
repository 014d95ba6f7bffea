// Learning-rate schedules of the upstream trainer, stepped once per epoch:
// cosine (CosineAnnealingLR, T_max 100), exponential (gamma 0.97), plateau (ReduceLROnPlateau on
// the validation loss: factor 0.1, patience 10, relative threshold 1e-4), none.
// (Upstream passes the validation loss to every scheduler's step(), which makes cosine and
// exponential nearly constant; we step them per epoch as PyTorch documents.)
#pragma once

#include <cmath>
#include <limits>
#include <string>

namespace morphaeus {

class LrSchedule {
 public:
  LrSchedule(std::string kind, double base_lr) : kind_(std::move(kind)), base_lr_(base_lr), lr_(base_lr) {}

  // The learning rate for the epoch after `epoch` (0-based), given that epoch's validation loss.
  double next(int64_t epoch, double val_loss) {
    constexpr double kPi = 3.14159265358979323846;
    if (kind_ == "cosine") {
      lr_ = 0.5 * base_lr_ * (1 + std::cos(kPi * static_cast<double>(epoch + 1) / 100.0));
    } else if (kind_ == "exponential") {
      lr_ = base_lr_ * std::pow(0.97, static_cast<double>(epoch + 1));
    } else if (kind_ == "plateau") {
      if (val_loss < best_ * (1 - 1e-4)) {
        best_ = val_loss;
        bad_epochs_ = 0;
      } else if (++bad_epochs_ > 10) {
        lr_ *= 0.1;
        bad_epochs_ = 0;
      }
    }
    return lr_;
  }
  double lr() const { return lr_; }

 private:
  std::string kind_;
  double base_lr_, lr_;
  double best_ = std::numeric_limits<double>::infinity();
  int bad_epochs_ = 0;
};

}  // namespace morphaeus
