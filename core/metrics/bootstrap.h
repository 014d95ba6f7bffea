// Bootstrap statistics of an image-level detection result (labels 0/1, scores higher = more
// anomalous).
//
// The paper's (ci-ber/MorphAEus dl_utils/boost_test.py; docs/METHOD.md section 5): for each seed,
// np.random.seed(seed) then np.random.choice(n, n, replace=True) over the pooled normal +
// pathology scores, the metrics of that resample; reported as mean +/- np.std (population) over
// the seeds. paperBootstrap draws the same indices (NumpyLegacyRandom) and computes the metrics
// with scikit-learn's semantics (core/metrics/roc.h).
//
// Beyond the paper: percentile intervals from `resamples` resamples drawn one after the other
// from one NumpyLegacyRandom(seed) stream; a resample holding one class only has no AUROC and is
// drawn past (counted in `skipped`); the interval's ends are numpy.percentile (linear) at
// (1 - level) / 2 and (1 + level) / 2 of the metric over the kept resamples.
#pragma once

#include <cstdint>
#include <vector>

#include "core/metrics/roc.h"

namespace morphaeus {

inline const std::vector<uint32_t>& paperBootstrapSeeds() {
  static const std::vector<uint32_t> seeds = {101822, 101922, 102022, 102122, 102222};
  return seeds;
}

struct MetricSummary {
  double mean = 0, std = 0;
};

struct PaperBootstrap {
  std::vector<uint32_t> seeds;
  std::vector<DetectionMetrics> resamples;  // one per seed
  MetricSummary auroc, auprc, fpr95, fpr99;
};

// Throws std::invalid_argument where a resample holds one class only (as scikit-learn does).
PaperBootstrap paperBootstrap(const std::vector<int>& labels, const std::vector<double>& scores,
                              const std::vector<uint32_t>& seeds = paperBootstrapSeeds());

// How many resamples, from which seed, at which coverage (the evaluator's interval_* keys).
struct IntervalOptions {
  int resamples = 1000;  // 0: no intervals
  uint32_t seed = 2023;
  double level = 0.95;
};

struct Interval {
  double low = 0, high = 0;
};

struct BootstrapIntervals {
  int resamples = 0, skipped = 0;
  uint32_t seed = 0;
  double level = 0.95;
  Interval auroc, auprc, fpr95, fpr99;
};

BootstrapIntervals bootstrapIntervals(const std::vector<int>& labels,
                                      const std::vector<double>& scores, int resamples,
                                      uint32_t seed, double level = 0.95);

}  // namespace morphaeus
