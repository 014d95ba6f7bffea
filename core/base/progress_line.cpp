#include "core/base/progress_line.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <utility>

namespace morphaeus {

ProgressLine::ProgressLine(std::string what, int64_t total, std::string unit, bool main)
    : what_(std::move(what)),
      unit_(std::move(unit)),
      total_(total),
      main_(main),
      tty_(main && ::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() {
  if (tty_ && steps_ > 0) std::fprintf(stderr, "\r%-120s\r", "");
}

std::string ProgressLine::text() const {
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = secs > 0 ? static_cast<double>(items_) / secs : 0.0;
  std::string line = fmt::format("{}: {}", what_, steps_);
  if (total_ > 0) line += fmt::format("/{}", total_);
  line += fmt::format(" steps, {} {} | {:.1f} {}/s", items_, unit_, rate, unit_);
  if (total_ > 0 && steps_ > 0)
    line += fmt::format(" | ETA {:.0f}s",
                        secs / static_cast<double>(steps_) *
                            static_cast<double>(std::max<int64_t>(0, total_ - steps_)));
  return line;
}

void ProgressLine::step(int64_t items) {
  ++steps_;
  items_ += items;
  if (!main_) return;  // another rank's
  if (tty_) {
    std::fprintf(stderr, "\r%-120s", text().c_str());
    std::fflush(stderr);
    return;
  }
  const int64_t quarter = std::max<int64_t>(1, total_ / 4);
  if (total_ <= 0 ? steps_ % 100 == 0 : (steps_ % quarter == 0 || steps_ == total_))
    spdlog::info("{}", text());
}

}  // namespace morphaeus
