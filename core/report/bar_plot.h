// Grouped bar charts with error bars as PNG figures (e.g. AUROC per method and dataset, mean +-
// std over seeds). Needs OpenCV (canWriteFigures()).
#pragma once

#include <string>
#include <vector>

namespace morphaeus {

struct BarGroup {
  std::string label;           // x-axis label of the group, e.g. a method
  std::vector<double> values;  // one bar per series (NaN: no bar)
  std::vector<double> errors;  // same length: half-height of the error bar (0: none)
};

struct BarPlot {
  std::string title, y_label;
  std::vector<std::string> series;  // legend entries, e.g. datasets
  std::vector<BarGroup> groups;
  double y_min = 0, y_max = 1;
};

// Writes the PNG atomically; throws std::runtime_error naming the file.
void writeBarPlot(const std::string& path, const BarPlot& plot);

}  // namespace morphaeus
