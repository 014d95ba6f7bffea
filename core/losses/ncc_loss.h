// Local normalised cross-correlation loss (voxelmorph form, 2-D): window sums of a, b, a^2, b^2
// and ab over a 9x9 window (zero padding), then
//   cross = S_ab - u_b S_a - u_a S_b + u_a u_b n,  var_a = S_aa - 2 u_a S_a + u_a^2 n,
//   cc = cross^2 / (max(var_a var_b, 0) + 1e-5),  loss = 1 - mean(cc).
// Runs on any device (upstream hard-codes CUDA). The window sums (upstream: five 9x9 convolutions
// with a ones filter that also sums over the channels) are one box sum (box_sum.h) of the five
// channel-summed maps: 2 x 9 additions per pixel instead of 81 multiply-adds, same values up to
// float summation order.
#pragma once

#include <torch/torch.h>

namespace morphaeus {

torch::Tensor nccLoss(const torch::Tensor& a, const torch::Tensor& b, int64_t window = 9);

}  // namespace morphaeus
