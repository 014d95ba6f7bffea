#include "core/base/mixed_precision.h"

#include <torch/torch.h>

#include "core/base/torch_compat.h"

namespace morphaeus {

AutocastGuard::AutocastGuard(c10::DeviceType device, std::optional<c10::ScalarType> dtype)
    : device_(device) {
  if (!dtype) return;
  active_ = true;
  prev_enabled_ = compat::autocastEnabled(device);
  prev_dtype_ = compat::autocastDtype(device);
  compat::setAutocastDtype(device, *dtype);
  compat::setAutocastEnabled(device, true);
  at::autocast::increment_nesting();
}

AutocastGuard::~AutocastGuard() {
  if (!active_) return;
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  compat::setAutocastEnabled(device_, prev_enabled_);
  compat::setAutocastDtype(device_, prev_dtype_);
}

AutocastOff::AutocastOff(c10::DeviceType device)
    : device_(device), prev_enabled_(compat::autocastEnabled(device)) {
  if (prev_enabled_) compat::setAutocastEnabled(device, false);
}

AutocastOff::~AutocastOff() {
  if (prev_enabled_) compat::setAutocastEnabled(device_, true);
}

void toChannelsLast(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  auto convert = [](torch::Tensor& t) {
    if (t.defined() && t.dim() == 4 && !t.is_contiguous(at::MemoryFormat::ChannelsLast))
      t.set_data(t.contiguous(at::MemoryFormat::ChannelsLast));
  };
  for (auto& p : module.parameters()) convert(p);
  for (auto& b : module.buffers()) convert(b);
}

}  // namespace morphaeus
