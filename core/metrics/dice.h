// Best Dice of a thresholded anomaly map against a ground-truth mask: the maximum over the 1st to
// 99th percentiles of the map values (numpy 'lower' method) of the Dice of {map > t} and the mask.
#pragma once

#include <vector>

namespace morphaeus {

// values and mask (0/1) have the same length; 0 when the mask and every prediction are empty.
double bestDice(const std::vector<double>& values, const std::vector<int>& mask);

}  // namespace morphaeus
