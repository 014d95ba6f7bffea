// A picture of a deformation: a regular grid of lines warped by the field (as in the paper's
// figures), so that folds, shifts and expansions are visible at a glance.
#pragma once

#include <torch/torch.h>

namespace morphaeus {

// deformation: [N, 2, H, W] in pixels (warp()'s convention). Returns [N, 1, H, W] in [0, 1]:
// lines every `spacing` pixels (1 pixel wide, value 1) sampled at (pixel + deformation).
torch::Tensor deformationGrid(const torch::Tensor& deformation, int64_t spacing = 8);

}  // namespace morphaeus
