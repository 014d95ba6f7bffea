// Mean structural similarity as scikit-image's structural_similarity computes it for 2-D float
// images with data_range given (0.19: 7x7 uniform window, sample covariance, K1 = 0.01,
// K2 = 0.03, mean over the image without a border of 3 pixels), in double precision.
#pragma once

#include <torch/torch.h>

namespace morphaeus {

// a, b: [H, W] (H, W >= 7).
double ssim(const torch::Tensor& a, const torch::Tensor& b, double data_range = 1.0);

}  // namespace morphaeus
