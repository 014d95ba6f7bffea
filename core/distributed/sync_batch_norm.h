// Synchronised BatchNorm (PyTorch's SyncBatchNorm semantics) for data-parallel training: in
// train mode the batch mean and variance are those of the global batch -- every rank's images --
// and the input gradient accounts for the other ranks' losses through them; running statistics
// use the global count (unbiased variance). With it, N ranks of B/N images compute what one
// process computes with B images. Eval mode is the plain BatchNorm (running statistics).
#pragma once

#include <torch/torch.h>

namespace morphaeus {

class ProcessGroup;

torch::Tensor syncBatchNorm(torch::nn::BatchNorm2dImpl& bn, const torch::Tensor& x,
                            ProcessGroup& group);

// Routes every model's BatchNorm2d (models/batch_norm.h) through syncBatchNorm on `group`
// (nullptr: back to the local BatchNorm).
void installSyncBatchNorm(ProcessGroup* group);

}  // namespace morphaeus
