#include "core/metrics/delong.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace morphaeus {
namespace {

// Midranks (1-based, ties sharing their average rank) of v.
std::vector<double> midranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && v[order[j]] == v[order[i]]) ++j;
    const double rank = 0.5 * static_cast<double>(i + j - 1) + 1;
    for (std::size_t k = i; k < j; ++k) r[order[k]] = rank;
    i = j;
  }
  return r;
}

struct Components {
  double auc = 0;
  std::vector<double> v10, v01;  // per positive, per negative
};

Components components(const std::vector<double>& pos, const std::vector<double>& neg) {
  const std::size_t m = pos.size(), n = neg.size();
  std::vector<double> all(pos);
  all.insert(all.end(), neg.begin(), neg.end());
  const auto rz = midranks(all), rx = midranks(pos), ry = midranks(neg);
  Components c;
  c.v10.resize(m);
  c.v01.resize(n);
  double sum = 0;
  for (std::size_t i = 0; i < m; ++i) {
    c.v10[i] = (rz[i] - rx[i]) / static_cast<double>(n);
    sum += rz[i];
  }
  for (std::size_t j = 0; j < n; ++j) c.v01[j] = 1.0 - (rz[m + j] - ry[j]) / static_cast<double>(m);
  c.auc =
      (sum / static_cast<double>(m) - (static_cast<double>(m) + 1) / 2) / static_cast<double>(n);
  return c;
}

double covariance(const std::vector<double>& a, const std::vector<double>& b) {
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / static_cast<double>(a.size());
  const double mb = std::accumulate(b.begin(), b.end(), 0.0) / static_cast<double>(b.size());
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += (a[i] - ma) * (b[i] - mb);
  return s / static_cast<double>(a.size() - 1);
}

}  // namespace

DelongResult delongTest(const std::vector<int>& labels, const std::vector<double>& scores_a,
                        const std::vector<double>& scores_b) {
  if (labels.size() != scores_a.size() || labels.size() != scores_b.size()) {
    throw std::invalid_argument("DeLong: labels and both score vectors must be equally long");
  }
  std::vector<double> pa, na, pb, nb;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    (labels[i] != 0 ? pa : na).push_back(scores_a[i]);
    (labels[i] != 0 ? pb : nb).push_back(scores_b[i]);
  }
  if (pa.size() < 2 || na.size() < 2) {
    throw std::invalid_argument("DeLong: at least two images of each class");
  }
  const Components a = components(pa, na), b = components(pb, nb);
  const double m = static_cast<double>(pa.size()), n = static_cast<double>(na.size());
  DelongResult r;
  r.auroc_a = a.auc;
  r.auroc_b = b.auc;
  r.var_a = covariance(a.v10, a.v10) / m + covariance(a.v01, a.v01) / n;
  r.var_b = covariance(b.v10, b.v10) / m + covariance(b.v01, b.v01) / n;
  r.covariance = covariance(a.v10, b.v10) / m + covariance(a.v01, b.v01) / n;
  const double var = r.var_a + r.var_b - 2 * r.covariance;
  const double diff = a.auc - b.auc;
  if (var <= 0) {
    r.z = diff == 0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), diff);
  } else {
    r.z = diff / std::sqrt(var);
  }
  r.p_value = std::erfc(std::fabs(r.z) / std::sqrt(2.0));
  return r;
}

}  // namespace morphaeus
