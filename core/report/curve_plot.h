// ROC and precision-recall curves as PNG figures (one line per dataset, legend, axes, grid).
// Needs OpenCV; canWriteFigures() says whether this build can.
#pragma once

#include <string>
#include <vector>

namespace morphaeus {

struct CurveSeries {
  std::string label;         // legend text, e.g. "Opacity (AUROC 0.91)"
  std::vector<double> x, y;  // points in [0, 1], drawn in order
};

struct CurvePlot {
  std::string title, x_label, y_label;
  bool chance_diagonal = false;  // the dashed y = x line of a random classifier (ROC)
  bool legend_left = false;      // legend in the lower left corner (else lower right)
  std::vector<CurveSeries> series;
};

bool canWriteFigures();

// Writes a 570x570 PNG atomically; throws std::runtime_error naming the file.
void writeCurvePlot(const std::string& path, const CurvePlot& plot);

}  // namespace morphaeus
