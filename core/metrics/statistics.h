// Summary statistics as NumPy computes them: mean, population standard deviation (ddof 0) and
// percentile with linear interpolation (numpy.percentile's default method).
#pragma once

#include <vector>

namespace morphaeus {

double mean(const std::vector<double>& values);    // 0 for an empty vector
double stddev(const std::vector<double>& values);  // ddof 0; 0 for an empty vector
// q in [0, 100]; throws std::invalid_argument for an empty vector.
double percentile(std::vector<double> values, double q);

}  // namespace morphaeus
