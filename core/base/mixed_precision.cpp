#include "core/base/mixed_precision.h"

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

}  // namespace morphaeus
