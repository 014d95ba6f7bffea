#include "core/commands/bench/timing.h"

#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>

#ifdef MORPHAEUS_HAVE_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace morphaeus {

TimingStats timeSteps(const std::function<void()>& step, int warmup, int runs,
                      const std::function<void()>& sync) {
  for (int i = 0; i < warmup; ++i) step();
  if (sync) sync();
  std::vector<double> ms;
  ms.reserve(static_cast<std::size_t>(runs));
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    step();
    if (sync) sync();
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  TimingStats s;
  s.runs = runs;
  if (ms.empty()) return s;
  std::sort(ms.begin(), ms.end());
  s.min_ms = ms.front();
  s.max_ms = ms.back();
  s.median_ms = ms.size() % 2 ? ms[ms.size() / 2] : (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]) / 2;
  return s;
}

void profileStep(std::string& profile, const std::function<void()>& step) {
  if (profile.empty()) return;
  {
    torch::autograd::profiler::RecordProfile guard(profile);
    step();
  }
  profile.clear();
}

double cudaPeakAllocatedMiB(int device_index) {
#ifdef MORPHAEUS_HAVE_CUDA
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device_index);
  return static_cast<double>(stats.allocated_bytes[0].peak) / 1048576.0;
#else
  (void)device_index;
  return 0;
#endif
}

}  // namespace morphaeus
