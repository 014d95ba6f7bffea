#include "models/spatial_transformer.h"

#include <cmath>

#include "core/base/reduced_precision.h"

namespace morphaeus {

SpatialTransformerImpl::SpatialTransformerImpl(std::vector<int64_t> size, WarpMode mode)
    : mode_(mode) {
  TORCH_CHECK(size.size() == 2, "SpatialTransformer: expected a 2-D size, got ", size.size(), "-D");
  const int64_t h = size[0], w = size[1];
  auto rows = torch::arange(h, torch::kFloat).view({h, 1}).expand({h, w});
  auto cols = torch::arange(w, torch::kFloat).view({1, w}).expand({h, w});
  grid_ = register_buffer("grid", torch::stack({rows, cols}).unsqueeze(0).contiguous());
}

torch::Tensor SpatialTransformerImpl::forward(const torch::Tensor& src, const torch::Tensor& flow) {
  return warp(src, flow, mode_);
}

VecIntImpl::VecIntImpl(std::vector<int64_t> size, int64_t steps, WarpMode mode)
    : steps_(steps), scale_(1.0 / std::pow(2.0, static_cast<double>(steps))) {
  TORCH_CHECK(steps >= 0, "VecInt: steps must be >= 0, got ", steps);
  transformer_ = register_module("transformer", SpatialTransformer(std::move(size), mode));
}

torch::Tensor VecIntImpl::forward(const torch::Tensor& velocity) {
  // Under autocast the velocity comes in bf16; seven squarings in bf16 would lose the field's
  // precision, so it is integrated in float32 (the warp samples in float32 anyway).
  const bool reduced = isReducedFloat(velocity);
  torch::Tensor v = (reduced ? velocity.to(torch::kFloat) : velocity) * scale_;
  for (int64_t i = 0; i < steps_; ++i) v = v + transformer_->forward(v, v);
  return v;
}

}  // namespace morphaeus
