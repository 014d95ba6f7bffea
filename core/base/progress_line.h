// Progress of a long pass that is not training (the evaluation of thousands of images, a sweep
// of runs): on a terminal one line redrawn in place ("what: 1200/7031 images | 85.3 img/s |
// ETA 68s"), otherwise a log line at every quarter and at the end.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace morphaeus {

class ProgressLine {
 public:
  // `total`: steps expected (0: unknown, no ETA); `unit`: what the counted items are;
  // `main`: whether this process shows it (rank 0 of a data-parallel run).
  ProgressLine(std::string what, int64_t total, std::string unit = "images", bool main = true);
  ~ProgressLine();
  // One more step done, with `items` more items (images).
  void step(int64_t items);
  std::string text() const;  // the current line

 private:
  std::string what_, unit_;
  int64_t total_, steps_ = 0, items_ = 0;
  bool main_, tty_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace morphaeus
