#include "core/mixed_precision.h"

#include "core/torch_compat.h"

namespace morphaeus {

AutocastGuard::AutocastGuard(c10::DeviceType device, std::optional<c10::ScalarType> dtype,
                             bool cache)
    : device_(device) {
  if (!dtype) return;
  active_ = true;
  prev_enabled_ = compat::autocastEnabled(device);
  prev_dtype_ = compat::autocastDtype(device);
  prev_cache_ = at::autocast::is_autocast_cache_enabled();
  compat::setAutocastDtype(device, *dtype);
  compat::setAutocastEnabled(device, true);
  at::autocast::set_autocast_cache_enabled(cache);
  at::autocast::increment_nesting();
}

AutocastGuard::~AutocastGuard() {
  if (!active_) return;
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  at::autocast::set_autocast_cache_enabled(prev_cache_);
  compat::setAutocastEnabled(device_, prev_enabled_);
  compat::setAutocastDtype(device_, prev_dtype_);
}

}  // namespace morphaeus
