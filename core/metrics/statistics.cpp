#include "core/metrics/statistics.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace morphaeus {

double mean(const std::vector<double>& values) {
  double s = 0;
  for (double x : values) s += x;
  return values.empty() ? 0 : s / static_cast<double>(values.size());
}

double stddev(const std::vector<double>& values) {
  const double m = mean(values);
  double s = 0;
  for (double x : values) s += (x - m) * (x - m);
  return values.empty() ? 0 : std::sqrt(s / static_cast<double>(values.size()));
}

double percentile(std::vector<double> values, double q) {
  if (values.empty()) throw std::invalid_argument("percentile of no values");
  std::sort(values.begin(), values.end());
  const double pos = q / 100.0 * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos)),
             hi = static_cast<std::size_t>(std::ceil(pos));
  return values[lo] + (values[hi] - values[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace morphaeus
