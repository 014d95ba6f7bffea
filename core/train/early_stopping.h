// Early stopping on the validation loss, as upstream: the first value sets the best; a value
// lower than best - min_delta resets the counter, anything else counts; `patience` counts stop.
#pragma once

#include <optional>

namespace morphaeus {

class EarlyStopping {
 public:
  EarlyStopping(int patience, double min_delta) : patience_(patience), min_delta_(min_delta) {}

  // Returns true when training should stop.
  bool update(double val_loss) {
    if (!best_) {
      best_ = val_loss;
      return false;
    }
    if (*best_ - val_loss > min_delta_) {
      best_ = val_loss;
      counter_ = 0;
      return false;
    }
    if (++counter_ >= patience_) {
      counter_ = 0;
      return true;
    }
    return false;
  }
  int counter() const { return counter_; }
  std::optional<double> best() const { return best_; }
  void restore(std::optional<double> best, int counter) {
    best_ = best;
    counter_ = counter;
  }

 private:
  int patience_;
  double min_delta_;
  std::optional<double> best_;
  int counter_ = 0;
};

}  // namespace morphaeus
