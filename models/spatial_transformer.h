// SpatialTransformer (voxelmorph): warps src by a flow in pixels. Holds the identity pixel grid as
// the buffer `grid` [1, 2, H, W] because the upstream state_dict carries it.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "models/warp/warp.h"

namespace morphaeus {

class SpatialTransformerImpl : public torch::nn::Module {
 public:
  SpatialTransformerImpl(std::vector<int64_t> size, WarpMode mode);
  torch::Tensor forward(const torch::Tensor& src, const torch::Tensor& flow);
  void setMode(WarpMode mode) { mode_ = mode; }

 private:
  torch::Tensor grid_;
  WarpMode mode_;
};
TORCH_MODULE(SpatialTransformer);

// VecInt: integrates a stationary velocity field by scaling and squaring:
// v = v / 2^steps, then `steps` times v = v + warp(v, v).
class VecIntImpl : public torch::nn::Module {
 public:
  VecIntImpl(std::vector<int64_t> size, int64_t steps, WarpMode mode);
  torch::Tensor forward(const torch::Tensor& velocity);
  void setMode(WarpMode mode) { transformer_->setMode(mode); }

 private:
  int64_t steps_;
  double scale_;
  SpatialTransformer transformer_{nullptr};
};
TORCH_MODULE(VecInt);

}  // namespace morphaeus
