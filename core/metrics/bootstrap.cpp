#include "core/metrics/bootstrap.h"

#include <stdexcept>

#include "core/metrics/numpy_random.h"
#include "core/metrics/statistics.h"

namespace morphaeus {
namespace {

void resample(const std::vector<int>& labels, const std::vector<double>& scores,
              const std::vector<int64_t>& idx, std::vector<int>& l, std::vector<double>& s) {
  l.resize(idx.size());
  s.resize(idx.size());
  for (std::size_t i = 0; i < idx.size(); ++i) {
    l[i] = labels[static_cast<std::size_t>(idx[i])];
    s[i] = scores[static_cast<std::size_t>(idx[i])];
  }
}

bool bothClasses(const std::vector<int>& l) {
  bool pos = false, neg = false;
  for (int v : l) (v != 0 ? pos : neg) = true;
  return pos && neg;
}

template <typename Get>
std::vector<double> column(const std::vector<DetectionMetrics>& rows, Get get) {
  std::vector<double> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(get(r));
  return out;
}

void checkInputs(const std::vector<int>& labels, const std::vector<double>& scores) {
  if (labels.size() != scores.size() || labels.empty()) {
    throw std::invalid_argument("bootstrap: labels and scores must be non-empty, equally long");
  }
}

}  // namespace

PaperBootstrap paperBootstrap(const std::vector<int>& labels, const std::vector<double>& scores,
                              const std::vector<uint32_t>& seeds) {
  checkInputs(labels, scores);
  PaperBootstrap b;
  b.seeds = seeds;
  const auto n = static_cast<int64_t>(labels.size());
  std::vector<int> l;
  std::vector<double> s;
  for (const uint32_t seed : seeds) {
    NumpyLegacyRandom rng(seed);
    resample(labels, scores, rng.choice(n, n), l, s);
    b.resamples.push_back(detectionMetrics(l, s));
  }
  const auto summarise = [&](auto get) {
    const auto v = column(b.resamples, get);
    return MetricSummary{mean(v), stddev(v)};
  };
  b.auroc = summarise([](const DetectionMetrics& m) { return m.auroc; });
  b.auprc = summarise([](const DetectionMetrics& m) { return m.auprc; });
  b.fpr95 = summarise([](const DetectionMetrics& m) { return m.fpr95; });
  b.fpr99 = summarise([](const DetectionMetrics& m) { return m.fpr99; });
  return b;
}

BootstrapIntervals bootstrapIntervals(const std::vector<int>& labels,
                                      const std::vector<double>& scores, int resamples,
                                      uint32_t seed, double level) {
  checkInputs(labels, scores);
  if (resamples < 1) throw std::invalid_argument("bootstrap: at least one resample");
  if (!(level > 0 && level < 1)) throw std::invalid_argument("bootstrap: level in (0, 1)");
  if (!bothClasses(labels)) throw std::invalid_argument("bootstrap: both classes must be present");
  BootstrapIntervals out;
  out.resamples = resamples;
  out.seed = seed;
  out.level = level;
  NumpyLegacyRandom rng(seed);
  const auto n = static_cast<int64_t>(labels.size());
  std::vector<int> l;
  std::vector<double> s;
  std::vector<DetectionMetrics> kept;
  while (static_cast<int>(kept.size()) < resamples) {
    resample(labels, scores, rng.choice(n, n), l, s);
    if (!bothClasses(l)) {
      ++out.skipped;
      if (out.skipped > 100 * resamples)
        throw std::invalid_argument("bootstrap: too few of a class");
      continue;
    }
    kept.push_back(detectionMetrics(l, s));
  }
  const double lo = 50 * (1 - level), hi = 50 * (1 + level);
  const auto interval = [&](auto get) {
    const auto v = column(kept, get);
    return Interval{percentile(v, lo), percentile(v, hi)};
  };
  out.auroc = interval([](const DetectionMetrics& m) { return m.auroc; });
  out.auprc = interval([](const DetectionMetrics& m) { return m.auprc; });
  out.fpr95 = interval([](const DetectionMetrics& m) { return m.fpr95; });
  out.fpr99 = interval([](const DetectionMetrics& m) { return m.fpr99; });
  return out;
}

}  // namespace morphaeus
