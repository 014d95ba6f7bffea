// Window sums as upstream's NCC makes them -- conv2d(x, ones[1, C, k, k], padding k/2), which also
// sums over the channels -- with the same float32 rounding, at the cost of a box sum.
//
// LibTorch's CPU convolution (oneDNN, in 1.13 and 2.x, with AVX-512, AVX2 or no vector ISA)
// adds a one-channel ones filter's taps to each output in one order: row-major over (ky, kx),
// each into a running float32 sum; its input gradient adds the output gradient's taps in the
// reverse order. With several channels, AVX-512 adds (ky, kx, c) row-major, AVX2 otherwise.
// This kernel adds in those orders, vectorised across the pixels of a row (each pixel's own sum
// stays in order), so that its values equal the convolution's bit for bit while doing 81 adds a
// pixel instead of the convolution's im2col and GEMM (a ones filter with one output channel keeps
// oneDNN's GEMM at a few percent of the machine).
//
// Whether a LibTorch sums in that order is checked, not assumed: the first time a shape is used
// in a process, the kernel and torch::conv2d run forward and backward on it and must agree bit
// for bit; where they do not (another oneDNN, another CPU), the convolution is used for that shape
// and a warning says so once.
#pragma once

#include <torch/torch.h>

namespace morphaeus {

// conv2d(x, ones[1, C, window, window], padding window / 2) for x [N, C, H, W], differentiable in
// x. CPU float32 through the kernel where it matches LibTorch's convolution for this shape,
// otherwise (another device or dtype, or a mismatch) the convolution itself.
torch::Tensor onesConvolutionSum(const torch::Tensor& x, int64_t window);

// The kernel alone (no check, no fallback): CPU float32 [N, C, H, W], an odd window.
torch::Tensor onesConvolutionSumKernel(const torch::Tensor& x, int64_t window);

// Whether the kernel equals LibTorch's convolution, forward and backward, for inputs of this
// shape on this machine (checked once per shape and window, then remembered).
bool onesConvolutionSumMatches(c10::IntArrayRef shape, int64_t window);

}  // namespace morphaeus
