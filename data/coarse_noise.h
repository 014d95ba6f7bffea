// The denoising autoencoder's input noise (upstream transforms/gaussian_noise.py, GaussianNoise,
// after Kascenas et al.): N(0, noise_std) noise at noise_res x noise_res, upsampled bilinearly
// (align_corners=True, as F.upsample_bilinear) to the image size, rolled by a random shift,
// added only where the image is foreground (channel sum > 0.01).
#pragma once

#include <torch/torch.h>

namespace morphaeus {

struct CoarseNoiseOptions {
  double noise_std = 0.2;
  int64_t noise_res = 16;
};

// Draws the noise and the shifts from torch's generator.
torch::Tensor addCoarseNoise(const torch::Tensor& x, const CoarseNoiseOptions& options);

// The deterministic part: `noise` [N, C, res, res] upsampled, rolled by (roll_y, roll_x) over
// (rows, cols), masked by the foreground of x and added.
torch::Tensor addCoarseNoise(const torch::Tensor& x, const torch::Tensor& noise, int64_t roll_y,
                             int64_t roll_x);

}  // namespace morphaeus
