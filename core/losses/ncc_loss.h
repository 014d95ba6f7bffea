// Local normalised cross-correlation loss (voxelmorph form, 2-D): window sums of a, b, a^2, b^2
// and ab over a 9x9 window (zero padding), then
//   cross = S_ab - u_b S_a - u_a S_b + u_a u_b n,  var_a = S_aa - 2 u_a S_a + u_a^2 n,
//   cc = cross^2 / (max(var_a var_b, 0) + 1e-5),  loss = 1 - mean(cc).
// Runs on any device (upstream hard-codes CUDA).
//
// The variances cancel: where a window is smooth (a blurry prior early in training), var is the
// small difference of two sums near 81 u^2, and float32 rounding of the window sums moves the
// loss by up to 3e-3 -- its value then depends on the order the sums were added in. Upstream's
// sums are five 9x9 convolutions with a ones filter (that also sums over the channels); the
// default here makes the same sums with the same rounding (on the CPU by a kernel that adds in
// the convolution's order, checked against it: ones_convolution_sum.h), so the loss and its
// gradient round as theirs and the logged deformation loss follows their log.
// NccWindowSums::BoxSum instead sums the five channel-summed maps with one box-sum kernel
// (box_sum.h): 2 x 9 additions per pixel instead of 81, closer to float64, but not upstream's
// rounding.
#pragma once

#include <torch/torch.h>

namespace morphaeus {

enum class NccWindowSums {
  Convolution,  ///< upstream's: a ones-filter convolution's sums (their float32 rounding)
  BoxSum,       ///< one box-sum kernel over the channel-summed maps (faster)
};

torch::Tensor nccLoss(const torch::Tensor& a, const torch::Tensor& b,
                      NccWindowSums sums = NccWindowSums::Convolution, int64_t window = 9);

}  // namespace morphaeus
