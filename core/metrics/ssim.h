// Mean structural similarity as scikit-image's structural_similarity computes it for 2-D float
// images with data_range given (0.19: 7x7 uniform window, sample covariance, K1 = 0.01,
// K2 = 0.03, mean over the image without a border of 3 pixels), in double precision.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace morphaeus {

// a, b: [H, W] (H, W >= 7).
double ssim(const torch::Tensor& a, const torch::Tensor& b, double data_range = 1.0);

// ssim of every image of two [B, 1, H, W] (or [B, H, W]) batches, the images in parallel on
// LibTorch's intra-op threads; the same values as ssim() image by image.
std::vector<double> ssimBatch(const torch::Tensor& a, const torch::Tensor& b,
                              double data_range = 1.0);

}  // namespace morphaeus
