// Drawing helpers shared by the report figures (OpenCV builds only): text, series colours,
// atomic PNG writes, and a [H, W] tensor as a grey or colour-mapped tile.
#pragma once

#ifdef MORPHAEUS_HAVE_OPENCV
#include <torch/torch.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cstddef>
#include <string>

namespace morphaeus {

void putLabel(cv::Mat& img, const std::string& text, cv::Point at, double scale);
cv::Scalar seriesColour(std::size_t index);  // BGR, a qualitative palette
void writePngAtomic(const std::string& path, const cv::Mat& img);
// values / vmax clamped to [0, 1]; heat: the inferno colour map, else grey. Returns BGR.
cv::Mat tile(const torch::Tensor& map, double vmax, bool heat);

}  // namespace morphaeus
#endif
