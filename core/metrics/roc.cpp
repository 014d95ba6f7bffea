#include "core/metrics/roc.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace morphaeus {
namespace {

// scikit-learn's _binary_clf_curve: cumulative true/false positives at each distinct threshold,
// scores in decreasing order (a stable sort of the increasing order, reversed, as numpy does).
struct ClfCurve {
  std::vector<double> fps, tps, thresholds;
};

ClfCurve binaryClfCurve(const std::vector<int>& labels, const std::vector<double>& scores) {
  if (labels.size() != scores.size() || labels.empty()) {
    throw std::invalid_argument("labels and scores must be non-empty and of equal length");
  }
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  std::reverse(order.begin(), order.end());
  ClfCurve c;
  double tp = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    tp += labels[order[i]] != 0 ? 1 : 0;
    const bool last = i + 1 == order.size();
    if (last || scores[order[i + 1]] != scores[order[i]]) {
      c.tps.push_back(tp);
      c.fps.push_back(static_cast<double>(i + 1) - tp);
      c.thresholds.push_back(scores[order[i]]);
    }
  }
  if (c.tps.back() == 0 || c.fps.back() == 0) {
    throw std::invalid_argument("both classes must be present to compute ROC/PR metrics");
  }
  return c;
}

RocCurve rocFromCurve(const ClfCurve& c, bool drop_intermediate) {
  std::vector<std::size_t> keep;
  const std::size_t n = c.fps.size();
  if (drop_intermediate && n > 2) {
    keep.push_back(0);
    for (std::size_t i = 1; i + 1 < n; ++i) {
      // np.diff(x, 2)[i-1] = x[i+1] - 2 x[i] + x[i-1]
      const double dfp = c.fps[i + 1] - 2 * c.fps[i] + c.fps[i - 1];
      const double dtp = c.tps[i + 1] - 2 * c.tps[i] + c.tps[i - 1];
      if (dfp != 0 || dtp != 0) keep.push_back(i);
    }
    keep.push_back(n - 1);
  } else {
    for (std::size_t i = 0; i < n; ++i) keep.push_back(i);
  }
  RocCurve r;
  const double P = c.tps.back(), N = c.fps.back();
  r.fpr.push_back(0.0);
  r.tpr.push_back(0.0);
  r.thresholds.push_back(c.thresholds[keep.front()] + 1);
  for (std::size_t i : keep) {
    r.fpr.push_back(c.fps[i] / N);
    r.tpr.push_back(c.tps[i] / P);
    r.thresholds.push_back(c.thresholds[i]);
  }
  return r;
}

PrCurve prFromCurve(const ClfCurve& c) {
  PrCurve pr;
  const double P = c.tps.back();
  for (std::size_t k = c.tps.size(); k-- > 0;) {
    const double ps = c.tps[k] + c.fps[k];
    pr.precision.push_back(ps != 0 ? c.tps[k] / ps : 0.0);
    pr.recall.push_back(c.tps[k] / P);
    pr.thresholds.push_back(c.thresholds[k]);
  }
  pr.precision.push_back(1.0);
  pr.recall.push_back(0.0);
  return pr;
}

double areaUnder(const RocCurve& r) {
  double area = 0;
  for (std::size_t i = 1; i < r.fpr.size(); ++i) {
    area += (r.fpr[i] - r.fpr[i - 1]) * (r.tpr[i] + r.tpr[i - 1]) / 2;
  }
  return area;
}

double averagePrecisionOf(const PrCurve& pr) {
  double ap = 0;
  for (std::size_t i = 0; i + 1 < pr.recall.size(); ++i) {
    ap -= (pr.recall[i + 1] - pr.recall[i]) * pr.precision[i];
  }
  return ap;
}

double fprWhereTprReaches(const RocCurve& r, double tpr) {
  for (std::size_t i = 0; i < r.tpr.size(); ++i)
    if (r.tpr[i] >= tpr) return r.fpr[i];
  return 1.0;
}

}  // namespace

RocCurve rocCurve(const std::vector<int>& labels, const std::vector<double>& scores,
                  bool drop_intermediate) {
  return rocFromCurve(binaryClfCurve(labels, scores), drop_intermediate);
}

PrCurve precisionRecallCurve(const std::vector<int>& labels, const std::vector<double>& scores) {
  return prFromCurve(binaryClfCurve(labels, scores));
}

double aurocScore(const std::vector<int>& labels, const std::vector<double>& scores) {
  return areaUnder(rocCurve(labels, scores));
}

double averagePrecision(const std::vector<int>& labels, const std::vector<double>& scores) {
  return averagePrecisionOf(precisionRecallCurve(labels, scores));
}

double fprAtTpr(const std::vector<int>& labels, const std::vector<double>& scores, double tpr) {
  return fprWhereTprReaches(rocCurve(labels, scores), tpr);
}

DetectionMetrics detectionMetrics(const std::vector<int>& labels,
                                  const std::vector<double>& scores) {
  const ClfCurve c = binaryClfCurve(labels, scores);
  const RocCurve r = rocFromCurve(c, true);
  return {areaUnder(r), averagePrecisionOf(prFromCurve(c)), fprWhereTprReaches(r, 0.95),
          fprWhereTprReaches(r, 0.99)};
}

}  // namespace morphaeus
