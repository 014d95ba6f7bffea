#include "core/report/png_canvas.h"

#include "core/report/curve_plot.h"
#include "data/io/image_writer.h"

#ifdef MORPHAEUS_HAVE_OPENCV
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "data/io/atomic_image.h"
#endif

namespace morphaeus {

#ifdef MORPHAEUS_HAVE_OPENCV
bool canWriteFigures() {
  return true;
}

void putLabel(cv::Mat& img, const std::string& text, cv::Point at, double scale) {
  cv::putText(img, text, at, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(0, 0, 0), 1, cv::LINE_AA);
}

cv::Scalar seriesColour(std::size_t index) {
  static const cv::Scalar kPalette[] = {{180, 119, 31},  {14, 127, 255},  {44, 160, 44},
                                        {40, 39, 214},   {189, 103, 148}, {75, 86, 140},
                                        {194, 119, 227}, {127, 127, 127}};
  return kPalette[index % (sizeof(kPalette) / sizeof(kPalette[0]))];
}

void writePngAtomic(const std::string& path, const cv::Mat& img) {
  writeImageAtomic(path, img);
}

cv::Mat tile(const torch::Tensor& map, double vmax, bool heat) {
  const auto bgr = renderMap(map, vmax, heat);
  return cv::Mat(static_cast<int>(bgr.size(0)), static_cast<int>(bgr.size(1)), CV_8UC3,
                 bgr.data_ptr<uint8_t>())
      .clone();
}
#else
bool canWriteFigures() {
  return false;
}
#endif

}  // namespace morphaeus
