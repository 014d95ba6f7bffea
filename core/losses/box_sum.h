// Box sums: every pixel's sum over a window x window neighbourhood with zero padding (NCC's window
// sums), differentiable. The operator is its own adjoint (a symmetric window), so the backward
// is the same box sum of the gradient. On the CPU, for float32/float64, one kernel per plane:
// rows summed into a row buffer, then the row's window sums, vectorised across the row, in
// parallel over the planes (LibTorch's avg_pool2d, used elsewhere, visits every tap of every
// output with general indexing). Same values up to float summation order.
#pragma once

#include <torch/torch.h>

namespace morphaeus {

// x: [N, C, H, W]; an odd window.
torch::Tensor boxSum2d(const torch::Tensor& x, int64_t window);

}  // namespace morphaeus
