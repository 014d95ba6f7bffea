// PNG output of maps (needs OpenCV): an anomaly map in a colour scale.
#pragma once

#include <torch/torch.h>

#include <string>

namespace morphaeus {

// Writes `map` ([H, W], values from 0 to vmax) with the inferno colour scale, atomically.
// Throws DataError naming the file (also when this build has no OpenCV).
void writeHeatmapPng(const std::string& path, const torch::Tensor& map, double vmax);

}  // namespace morphaeus
