// Training progress: a one-line bar redrawn in place on a terminal (epoch, step/steps, loss
// terms, images/s, ETA); plain log lines every quarter of an epoch otherwise.
#pragma once

#include <chrono>
#include <string>

namespace morphaeus {

class Progress {
 public:
  // `main`: the process that draws the bar (rank 0 of a data-parallel run).
  Progress(int64_t epochs, int64_t steps_per_epoch, bool main = true);
  void startEpoch(int64_t epoch);
  void step(int64_t step, int64_t images, const std::string& losses);
  void endEpoch();

 private:
  int64_t epochs_, steps_;
  int64_t epoch_ = 0, images_ = 0;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace morphaeus
