// BatchNorm2d through one function, so that data-parallel training can synchronise the batch
// statistics across processes (SyncBatchNorm): the models call batchNorm(bn, x) instead of
// bn->forward(x). Without an override installed it is LibTorch's BatchNorm2d. The override is
// process-wide (one training per process) and is installed by the distributed trainer only.
#pragma once

#include <torch/torch.h>

#include <functional>

namespace morphaeus {

using BatchNormOverride =
    std::function<torch::Tensor(torch::nn::BatchNorm2dImpl& bn, const torch::Tensor& x)>;

// Empty function: back to LibTorch's BatchNorm2d.
void setBatchNormOverride(BatchNormOverride override);
torch::Tensor batchNorm(torch::nn::BatchNorm2dImpl& bn, const torch::Tensor& x);
// Whether an override is installed (fused paths that bypass bn.forward must then step aside).
bool batchNormOverridden();

}  // namespace morphaeus
