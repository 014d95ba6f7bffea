// Mixed precision (the fast path's bf16).
//
// AutocastGuard: mixed precision for a scope, the way torch.autocast(device_type, dtype) does it:
// matmuls and convolutions run in `dtype` (bf16) while the weights stay float32 (the optimiser's
// master copy); on leaving the outermost autocast scope the cast-weight cache is cleared. Without a
// dtype the guard does nothing. The weight-cast cache stays as set outside (a CUDA graph capture
// turns it off), as torch.autocast's default cache_enabled=None does.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/DeviceType.h>
#include <c10/core/ScalarType.h>

#include "core/base/reduced_precision.h"

#include <optional>

namespace torch::nn {
class Module;
}

namespace morphaeus {

class AutocastGuard {
 public:
  AutocastGuard(c10::DeviceType device, std::optional<c10::ScalarType> dtype);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  c10::DeviceType device_;
  bool active_ = false, prev_enabled_ = false;
  c10::ScalarType prev_dtype_ = c10::ScalarType::Float;
};

// Autocast off for a scope (restored after): the layers whose outputs go straight into the
// losses -- the decoder's last convolution and sigmoid, the deformer's velocity field -- run in
// float32 under a bf16 step, as the losses' sums do.
class AutocastOff {
 public:
  explicit AutocastOff(c10::DeviceType device);
  ~AutocastOff();
  AutocastOff(const AutocastOff&) = delete;
  AutocastOff& operator=(const AutocastOff&) = delete;

 private:
  c10::DeviceType device_;
  bool prev_enabled_;
};

// bf16/fp16 tensors (outputs of autocast regions) as float32; others unchanged. The losses
// compute their reductions in float32 through this.
inline at::Tensor fullPrecision(const at::Tensor& t) {
  return isReducedFloat(t) ? t.to(c10::ScalarType::Float) : t;
}

// Converts the module's 4-D parameters and buffers to channels_last in place (same values, same
// tensors: optimisers holding them keep working).
void toChannelsLast(torch::nn::Module& module);

}  // namespace morphaeus
