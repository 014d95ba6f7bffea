// PNG output of maps (needs OpenCV): an anomaly map in a colour scale.
#pragma once

#include <torch/torch.h>

#include <string>

namespace morphaeus {

// `map` ([H, W]) / vmax clamped to [0, 1] as 8-bit BGR pixels [H, W, 3]: the inferno colour
// scale (heat) or grey. Throws DataError without OpenCV.
torch::Tensor renderMap(const torch::Tensor& map, double vmax, bool heat);

// Writes `map` ([H, W], values from 0 to vmax) with the inferno colour scale, atomically.
// Throws DataError naming the file (also when this build has no OpenCV).
void writeHeatmapPng(const std::string& path, const torch::Tensor& map, double vmax);

}  // namespace morphaeus
