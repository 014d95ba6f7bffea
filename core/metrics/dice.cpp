#include "core/metrics/dice.h"

#include <algorithm>
#include <stdexcept>

namespace morphaeus {

double bestDice(const std::vector<double>& values, const std::vector<int>& mask) {
  if (values.size() != mask.size())
    throw std::invalid_argument("bestDice: values and mask differ in length");
  if (values.empty()) return 0;
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  double positives = 0;
  for (int m : mask) positives += m;
  double best = 0;
  for (int q = 1; q < 100; ++q) {
    const double t =
        sorted[static_cast<std::size_t>(q / 100.0 * static_cast<double>(sorted.size() - 1))];
    double tp = 0, predicted = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const bool on = values[i] > t;
      predicted += on;
      tp += on && mask[i];
    }
    if (predicted + positives > 0) best = std::max(best, 2 * tp / (predicted + positives));
  }
  return best;
}

}  // namespace morphaeus
