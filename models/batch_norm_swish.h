// BatchNorm2d followed by the block's activation. With running statistics (eval mode, the way the
// authors' trainer runs: docs/METHOD.md section 3) BatchNorm is a per-channel affine, so that with
// swish the pair is one pass forward and one pass backward on the CPU:
//   z = x * scale[c] + shift[c],   scale = weight / sqrt(running_var + eps),
//   shift = bias - running_mean * scale,   y = z * sigmoid(z),
//   dz = dy * s * (1 + z * (1 - s)) with s = sigmoid(z),   dx = dz * scale[c],
//   dbias[c] = sum dz,   dweight[c] = sum dz * (x - running_mean[c]) / sqrt(running_var[c] + eps).
// Arithmetic in float32 for float32 and bfloat16 tensors (contiguous or channels_last), channel
// sums in a fixed order (the same for any thread count). Everything else (train-mode statistics,
// an installed SyncBatchNorm override, other activations, float64, CUDA) takes LibTorch's two ops.
#pragma once

#include <torch/torch.h>

#include "models/activation.h"

namespace morphaeus {

// `norm` may be null (no normalisation): then only the activation.
torch::Tensor normThenActivate(torch::nn::BatchNorm2dImpl* norm, const Activation& act,
                               const torch::Tensor& x);

// The fused pass itself (exposed for its tests): true where normThenActivate takes it.
bool fusedBatchNormSwishApplies(const torch::nn::BatchNorm2dImpl& norm, const Activation& act,
                                const torch::Tensor& x);

}  // namespace morphaeus
