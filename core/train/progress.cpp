#include "core/train/progress.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace morphaeus {

Progress::Progress(int64_t epochs, int64_t steps_per_epoch, bool main)
    : epochs_(epochs),
      steps_(steps_per_epoch),
      tty_(::isatty(STDERR_FILENO) != 0 && main) {}  // one bar: rank 0's

void Progress::startEpoch(int64_t epoch) {
  epoch_ = epoch;
  images_ = 0;
  start_ = std::chrono::steady_clock::now();
}

void Progress::step(int64_t step, int64_t images, const std::string& losses) {
  images_ += images;
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = secs > 0 ? images_ / secs : 0.0;
  const double eta = step > 0 ? secs / step * (steps_ - step) : 0.0;
  const std::string line = fmt::format("epoch {}/{} step {}/{} {} | {:.1f} img/s | ETA {:.0f}s",
                                       epoch_ + 1, epochs_, step, steps_, losses, rate, eta);
  if (tty_) {
    std::fprintf(stderr, "\r%-120s", line.c_str());
    std::fflush(stderr);
  } else if (step % std::max<int64_t>(1, steps_ / 4) == 0 || step == steps_) {
    spdlog::info("{}", line);
  }
}

void Progress::endEpoch() {
  if (tty_) std::fprintf(stderr, "\r%-120s\r", "");
}

}  // namespace morphaeus
