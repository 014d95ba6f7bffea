#include "core/report/bar_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/report/png_canvas.h"

namespace morphaeus {

#ifdef MORPHAEUS_HAVE_OPENCV
void writeBarPlot(const std::string& path, const BarPlot& plot) {
  constexpr int kLeft = 70, kTop = 50, kHeight = 380, kGroupWidth = 130;
  const int kBottom = 76 + 20 * static_cast<int>(plot.series.size());
  const int groups = static_cast<int>(plot.groups.size());
  const int width = std::max(kLeft + std::max(1, groups) * kGroupWidth + 30, 520);
  cv::Mat img(kTop + kHeight + kBottom, width, CV_8UC3, cv::Scalar(255, 255, 255));
  const double span = plot.y_max - plot.y_min;
  auto y_of = [&](double v) {
    return kTop + kHeight -
           static_cast<int>(std::lround(std::clamp((v - plot.y_min) / span, 0.0, 1.0) * kHeight));
  };
  for (int i = 0; i <= 10; ++i) {
    const double v = plot.y_min + span * i / 10.0;
    cv::line(img, cv::Point(kLeft, y_of(v)), cv::Point(width - 30, y_of(v)),
             cv::Scalar(230, 230, 230), 1);
    if (i % 2 == 0) putLabel(img, fmt::format("{:.2f}", v), cv::Point(12, y_of(v) + 5), 0.45);
  }
  cv::line(img, cv::Point(kLeft, kTop), cv::Point(kLeft, kTop + kHeight), cv::Scalar(0, 0, 0), 1);
  cv::line(img, cv::Point(kLeft, kTop + kHeight), cv::Point(width - 30, kTop + kHeight),
           cv::Scalar(0, 0, 0), 1);
  int baseline = 0;
  const int title_w =
      cv::getTextSize(plot.title, cv::FONT_HERSHEY_SIMPLEX, 0.65, 1, &baseline).width;
  putLabel(img, plot.title, cv::Point((width - title_w) / 2, 24), 0.65);
  putLabel(img, plot.y_label, cv::Point(8, kTop - 12), 0.5);
  const int n_series = std::max<int>(1, static_cast<int>(plot.series.size()));
  const int bar_w = (kGroupWidth - 20) / n_series;
  for (int g = 0; g < groups; ++g) {
    const BarGroup& group = plot.groups[g];
    const int x0 = kLeft + g * kGroupWidth + 10;
    for (int s = 0; s < static_cast<int>(group.values.size()); ++s) {
      const double v = group.values[s];
      if (std::isnan(v)) continue;
      const int x = x0 + s * bar_w;
      cv::rectangle(img, cv::Point(x, y_of(v)), cv::Point(x + bar_w - 3, kTop + kHeight),
                    seriesColour(s), cv::FILLED);
      const double e = s < static_cast<int>(group.errors.size()) ? group.errors[s] : 0.0;
      if (e > 0) {
        const int xc = x + (bar_w - 3) / 2;
        cv::line(img, cv::Point(xc, y_of(v - e)), cv::Point(xc, y_of(v + e)), cv::Scalar(0, 0, 0),
                 1);
        cv::line(img, cv::Point(xc - 4, y_of(v + e)), cv::Point(xc + 4, y_of(v + e)),
                 cv::Scalar(0, 0, 0), 1);
        cv::line(img, cv::Point(xc - 4, y_of(v - e)), cv::Point(xc + 4, y_of(v - e)),
                 cv::Scalar(0, 0, 0), 1);
      }
    }
    putLabel(img, group.label, cv::Point(x0, kTop + kHeight + 20 + 16 * (g % 2)),
             0.42);  // staggered
  }
  for (int s = 0; s < static_cast<int>(plot.series.size()); ++s) {
    const cv::Point key(kLeft + 10, kTop + kHeight + 66 + 20 * s);
    cv::rectangle(img, key - cv::Point(0, 10), key + cv::Point(18, 2), seriesColour(s), cv::FILLED);
    putLabel(img, plot.series[s], key + cv::Point(26, 0), 0.45);
  }
  writePngAtomic(path, img);
}
#else
void writeBarPlot(const std::string& path, const BarPlot&) {
  throw std::runtime_error(path + ": this build cannot write figures (built without OpenCV)");
}
#endif

}  // namespace morphaeus
