#include "data/io/image_writer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "data/data_error.h"

#ifdef MORPHAEUS_HAVE_OPENCV
#include <opencv2/imgproc.hpp>

#include "data/io/atomic_image.h"
#endif

namespace morphaeus {

#ifdef MORPHAEUS_HAVE_OPENCV
torch::Tensor renderMap(const torch::Tensor& map, double vmax, bool heat) {
  const auto m = map.detach().to(torch::kCPU, torch::kFloat).contiguous();
  const int h = static_cast<int>(m.size(0)), w = static_cast<int>(m.size(1));
  cv::Mat grey(h, w, CV_8UC1);
  const float* p = m.data_ptr<float>();
  for (int i = 0; i < h * w; ++i) {
    grey.data[i] = static_cast<uint8_t>(std::lround(std::clamp(p[i] / vmax, 0.0, 1.0) * 255.0));
  }
  auto out = torch::empty({h, w, 3}, torch::kUInt8);
  cv::Mat bgr(h, w, CV_8UC3, out.data_ptr<uint8_t>());  // writes into `out`
  if (heat) {
    cv::applyColorMap(grey, bgr, cv::COLORMAP_INFERNO);
  } else {
    cv::cvtColor(grey, bgr, cv::COLOR_GRAY2BGR);
  }
  return out;
}

void writeHeatmapPng(const std::string& path, const torch::Tensor& map, double vmax) {
  const auto bgr = renderMap(map, vmax, true);
  const cv::Mat img(static_cast<int>(bgr.size(0)), static_cast<int>(bgr.size(1)), CV_8UC3,
                    bgr.data_ptr<uint8_t>());
  writeImageAtomic(path, img);
}
#else
torch::Tensor renderMap(const torch::Tensor&, double, bool) {
  throw DataError("this build cannot render maps (built without OpenCV)");
}

void writeHeatmapPng(const std::string& path, const torch::Tensor&, double) {
  throw DataError(path + ": this build cannot write PNGs (built without OpenCV)");
}
#endif

}  // namespace morphaeus
