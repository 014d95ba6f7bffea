// Training curves as one PNG: a small panel per series (each loss term, the validation loss),
// epochs on x, the series' own value range on y (terms differ by orders of magnitude and the
// NCC term is negative), the last value in the panel's title. Needs OpenCV (canWriteFigures()).
#pragma once

#include <string>
#include <vector>

namespace morphaeus {

struct LossSeries {
  std::string name;
  std::vector<double> epochs, values;  // NaN values (an epoch without the term) are skipped
};

// Writes the panels (two per row) atomically; throws std::runtime_error naming the file.
void writeLossCurves(const std::string& path, const std::vector<LossSeries>& series);

}  // namespace morphaeus
