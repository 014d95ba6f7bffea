#include "core/report/loss_curves.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/report/png_canvas.h"

namespace morphaeus {

#ifdef MORPHAEUS_HAVE_OPENCV
namespace {

constexpr int kPanelW = 420, kPanelH = 240, kLeft = 72, kRight = 16, kTop = 30, kBottom = 34;

void drawPanel(cv::Mat& img, cv::Point origin, const LossSeries& s, std::size_t colour) {
  std::vector<std::pair<double, double>> pts;
  for (std::size_t i = 0; i < std::min(s.epochs.size(), s.values.size()); ++i)
    if (std::isfinite(s.values[i])) pts.emplace_back(s.epochs[i], s.values[i]);
  const double last = pts.empty() ? NAN : pts.back().second;
  putLabel(img, fmt::format("{} (last {:.4g})", s.name, last), origin + cv::Point(kLeft, 20), 0.5);
  if (pts.empty()) return;
  double x0 = pts.front().first, x1 = pts.back().first, y0 = pts.front().second, y1 = y0;
  for (const auto& [x, y] : pts) y0 = std::min(y0, y), y1 = std::max(y1, y);
  if (x1 <= x0) x1 = x0 + 1;
  if (y1 <= y0) y0 -= 0.5 * (std::fabs(y0) + 1e-12), y1 += 0.5 * (std::fabs(y1) + 1e-12);
  const int w = kPanelW - kLeft - kRight, h = kPanelH - kTop - kBottom;
  const auto px = [&](double x, double y) {
    return origin + cv::Point(kLeft + static_cast<int>(std::lround((x - x0) / (x1 - x0) * w)),
                              kTop + h - static_cast<int>(std::lround((y - y0) / (y1 - y0) * h)));
  };
  for (int i = 0; i <= 4; ++i) {
    const double y = y0 + (y1 - y0) * i / 4.0;
    cv::line(img, px(x0, y), px(x1, y), cv::Scalar(230, 230, 230), 1);
    putLabel(img, fmt::format("{:.3g}", y), px(x0, y) + cv::Point(-kLeft + 4, 4), 0.38);
  }
  // Epoch ticks on whole epochs: every one, or every 2nd, 5th, 10th ... up to about 8 ticks.
  double every = 1;
  bool found = false;
  for (double scale = 1; scale <= 1e6 && !found; scale *= 10) {
    for (const double step : {1.0, 2.0, 5.0}) {
      if ((x1 - x0) / (step * scale) <= 8) {
        every = step * scale;
        found = true;
        break;
      }
    }
  }
  for (double x = std::ceil(x0 / every) * every; x <= x1 + 1e-9; x += every) {
    cv::line(img, px(x, y0), px(x, y1), cv::Scalar(230, 230, 230), 1);
    putLabel(img, fmt::format("{:.0f}", x), px(x, y0) + cv::Point(-6, 16), 0.38);
  }
  cv::rectangle(img, px(x0, y1), px(x1, y0), cv::Scalar(0, 0, 0), 1);
  putLabel(img, "epoch", origin + cv::Point(kLeft + w / 2 - 20, kPanelH - 2), 0.4);
  for (std::size_t i = 1; i < pts.size(); ++i)
    cv::line(img, px(pts[i - 1].first, pts[i - 1].second), px(pts[i].first, pts[i].second),
             seriesColour(colour), 2, cv::LINE_AA);
  for (const auto& [x, y] : pts)
    cv::circle(img, px(x, y), 2, seriesColour(colour), -1, cv::LINE_AA);
}

}  // namespace

void writeLossCurves(const std::string& path, const std::vector<LossSeries>& series) {
  if (series.empty()) throw std::runtime_error(path + ": no training curves to draw");
  const int rows = static_cast<int>((series.size() + 1) / 2);
  cv::Mat img(rows * kPanelH, 2 * kPanelW, CV_8UC3, cv::Scalar(255, 255, 255));
  for (std::size_t i = 0; i < series.size(); ++i) {
    const cv::Point origin(static_cast<int>(i % 2) * kPanelW, static_cast<int>(i / 2) * kPanelH);
    drawPanel(img, origin, series[i], i);
  }
  writePngAtomic(path, img);
}
#else
void writeLossCurves(const std::string& path, const std::vector<LossSeries>&) {
  throw std::runtime_error(path + ": this build cannot write figures (built without OpenCV)");
}
#endif

}  // namespace morphaeus
