// An image file written atomically: encoded in memory in the format of the path's extension
// (OpenCV), then written through core/base/atomic_file.h (temp file beside it, renamed over it).
// For .cpp files built with OpenCV only; keeps OpenCV out of the public headers.
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/atomic_file.h"
#include "data/data_error.h"

namespace morphaeus {

inline void writeImageAtomic(const std::string& path, const cv::Mat& img) {
  const std::string ext = std::filesystem::path(path).extension().string();
  std::vector<uchar> bytes;
  if (!cv::imencode(ext.empty() ? ".png" : ext, img, bytes)) {
    throw DataError(path + ": cannot encode the image");
  }
  writeFileAtomic(path, std::string(bytes.begin(), bytes.end()));
}

}  // namespace morphaeus
