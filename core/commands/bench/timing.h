// Timing helpers for benchmarks: warm-up, repeated runs, median/min/max, peak CUDA memory.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace morphaeus {

struct TimingStats {
  double median_ms = 0, min_ms = 0, max_ms = 0;
  int runs = 0;
};

// Runs `step` `warmup` times untimed, then `runs` times timed. `sync` (may be empty) is called
// before each clock read, e.g. to wait for CUDA work.
TimingStats timeSteps(const std::function<void()>& step, int warmup, int runs,
                      const std::function<void()>& sync = {});

// Peak memory allocated by the CUDA caching allocator on that device (0 in CPU-only builds).
double cudaPeakAllocatedMiB(int device_index);

// Runs `step` once more under LibTorch's profiler, writing a Chrome trace to `profile`, when that
// is not empty; then clears it, so that only the first measurement of a command is traced.
void profileStep(std::string& profile, const std::function<void()>& step);

}  // namespace morphaeus
