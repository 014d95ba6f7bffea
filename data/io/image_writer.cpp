#include "data/io/image_writer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "data/data_error.h"

#ifdef MORPHAEUS_HAVE_OPENCV
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#endif

namespace morphaeus {

#ifdef MORPHAEUS_HAVE_OPENCV
void writeHeatmapPng(const std::string& path, const torch::Tensor& map, double vmax) {
  const auto m = map.to(torch::kFloat).contiguous();
  const int h = static_cast<int>(m.size(0)), w = static_cast<int>(m.size(1));
  cv::Mat grey(h, w, CV_8UC1);
  const float* p = m.data_ptr<float>();
  for (int i = 0; i < h * w; ++i) {
    grey.data[i] = static_cast<uint8_t>(std::lround(std::clamp(p[i] / vmax, 0.0, 1.0) * 255.0));
  }
  cv::Mat colour;
  cv::applyColorMap(grey, colour, cv::COLORMAP_INFERNO);
  const std::string tmp = path + ".tmp.png";
  if (!cv::imwrite(tmp, colour)) throw DataError(path + ": cannot write the PNG");
  std::filesystem::rename(tmp, path);
}
#else
void writeHeatmapPng(const std::string& path, const torch::Tensor&, double) {
  throw DataError(path + ": this build cannot write PNGs (built without OpenCV)");
}
#endif

}  // namespace morphaeus
