#include "core/report/curve_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/report/png_canvas.h"

namespace morphaeus {

#ifdef MORPHAEUS_HAVE_OPENCV
void writeCurvePlot(const std::string& path, const CurvePlot& plot) {
  constexpr int kSize = 570, kLeft = 70, kTop = 50, kPlot = 450;
  cv::Mat img(kSize, kSize, CV_8UC3, cv::Scalar(255, 255, 255));
  auto px = [&](double x, double y) {
    return cv::Point(kLeft + static_cast<int>(std::lround(std::clamp(x, 0.0, 1.0) * kPlot)),
                     kTop + kPlot - static_cast<int>(std::lround(std::clamp(y, 0.0, 1.0) * kPlot)));
  };
  for (int i = 0; i <= 10; ++i) {  // grid, ticks and tick labels every 0.1
    const double t = i / 10.0;
    const cv::Scalar grid = i % 5 == 0 ? cv::Scalar(200, 200, 200) : cv::Scalar(235, 235, 235);
    cv::line(img, px(t, 0), px(t, 1), grid, 1);
    cv::line(img, px(0, t), px(1, t), grid, 1);
    if (i % 2 == 0) {
      const std::string label = fmt::format("{:.1f}", t);
      putLabel(img, label, px(t, 0) + cv::Point(-12, 20), 0.45);
      putLabel(img, label, px(0, t) + cv::Point(-34, 5), 0.45);
    }
  }
  cv::rectangle(img, px(0, 1), px(1, 0), cv::Scalar(0, 0, 0), 1);
  if (plot.chance_diagonal) {
    for (int i = 0; i < 40; i += 2)
      cv::line(img, px(i / 40.0, i / 40.0), px((i + 1) / 40.0, (i + 1) / 40.0),
               cv::Scalar(128, 128, 128), 1, cv::LINE_AA);
  }
  int baseline = 0;
  const int title_w =
      cv::getTextSize(plot.title, cv::FONT_HERSHEY_SIMPLEX, 0.65, 1, &baseline).width;
  putLabel(img, plot.title, cv::Point(kLeft + (kPlot - title_w) / 2, 22), 0.65);
  putLabel(img, plot.x_label, cv::Point(kLeft + kPlot / 2 - 40, kSize - 22), 0.5);
  putLabel(img, plot.y_label, cv::Point(4, kTop - 8), 0.5);
  for (std::size_t s = 0; s < plot.series.size(); ++s) {
    const CurveSeries& c = plot.series[s];
    const cv::Scalar colour = seriesColour(s);
    for (std::size_t i = 1; i < std::min(c.x.size(), c.y.size()); ++i) {
      cv::line(img, px(c.x[i - 1], c.y[i - 1]), px(c.x[i], c.y[i]), colour, 2, cv::LINE_AA);
    }
    const cv::Point key(plot.legend_left ? kLeft + 12 : kLeft + kPlot - 250,
                        kTop + kPlot - 20 - 22 * static_cast<int>(plot.series.size() - 1 - s));
    cv::line(img, key, key + cv::Point(24, 0), colour, 3, cv::LINE_AA);
    putLabel(img, c.label, key + cv::Point(30, 5), 0.45);
  }
  writePngAtomic(path, img);
}
#else
void writeCurvePlot(const std::string& path, const CurvePlot&) {
  throw std::runtime_error(path + ": this build cannot write figures (built without OpenCV)");
}
#endif

}  // namespace morphaeus
