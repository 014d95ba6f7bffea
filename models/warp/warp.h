// warp(src, flow): samples src at (pixel grid + flow), bilinear, zero padding, align_corners=True.
// flow is in pixels, channel 0 displaces rows (y), channel 1 columns (x) -- the voxelmorph
// SpatialTransformer convention used by MorphAEus. Differentiable in both src and flow.
#pragma once

#include <torch/torch.h>

namespace morphaeus {

enum class WarpMode {
  Native,      // fused kernels (CPU: at::parallel_for, CUDA: .cu), custom autograd function
  GridSample,  // reference: normalised grid + F::grid_sample, exactly as upstream
};

// src [N, C, H, W], flow [N, 2, H, W] (same N, H, W; same dtype and device).
torch::Tensor warp(const torch::Tensor& src, const torch::Tensor& flow,
                   WarpMode mode = WarpMode::Native);

torch::Tensor warpNative(const torch::Tensor& src, const torch::Tensor& flow);
torch::Tensor warpGridSample(const torch::Tensor& src, const torch::Tensor& flow);

// The CPU kernel warpNative runs: "avx2" (x86 builds on CPUs with AVX2 + FMA) or "portable"
// (other CPUs, non-x86 builds, or the CMake option MORPHAEUS_PORTABLE_WARP).
const char* warpCpuKernel();

// True when this build has the CUDA kernel (a CUDA-enabled LibTorch and nvcc).
bool warpHasCuda();

}  // namespace morphaeus
