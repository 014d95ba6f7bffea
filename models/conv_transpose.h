// A stride-s transposed convolution computed as what it is, the input gradient of the ordinary
// convolution with the same weights -- on the CPU that runs in oneDNN (mkldnn) kernels, while
// LibTorch 1.13's ConvTranspose2d runs the generic slow_conv_transpose2d. The backward is an
// ordinary convolution (input gradient) and a convolution weight gradient, oneDNN too. Same math
// as ConvTranspose2d (float rounding aside); other devices use the module. For modules built with
// dilation 1, groups 1 and zero padding, whose stride/padding/output_padding the caller passes.
#pragma once

#include <torch/torch.h>

namespace morphaeus {

torch::Tensor convTranspose2d(torch::nn::ConvTranspose2dImpl& module, const torch::Tensor& x,
                              int64_t stride, int64_t padding, int64_t output_padding);

}  // namespace morphaeus
