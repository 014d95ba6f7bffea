// The one place where LibTorch API differences between 1.13 (Debian's libtorch-dev) and 2.x (a
// GPU user's pip or zip LibTorch) are guarded. Everything else calls these.
#pragma once

#include <ATen/autocast_mode.h>
#include <c10/core/DeviceType.h>
#include <c10/core/ScalarType.h>
#include <torch/csrc/autograd/variable.h>
#include <torch/version.h>

#include <utility>

#define MORPHAEUS_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) ||            \
   (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

namespace morphaeus::compat {

// The owning pointer to an autograd node, as torch::autograd::impl::grad_accumulator returns it:
// std::shared_ptr<Node> in 1.13, c10::intrusive_ptr<Node> in later 2.x (2.15 has it).
using AutogradNodePtr =
    decltype(torch::autograd::impl::grad_accumulator(std::declval<const at::Tensor&>()));

// Adam's first moment as torch.optim.Adam of the same PyTorch updates it (its single-tensor and
// capturable paths): 1.13 exp_avg.mul_(beta1).add_(grad, 1 - beta1); 2.x
// exp_avg.lerp_(grad, 1 - beta1) (2.15's adam.py; the change came with 2.0), which rounds
// differently -- enough to move the AAE's adversarial training 1e-3 in two steps.
constexpr bool kAdamFirstMomentByLerp = MORPHAEUS_TORCH_AT_LEAST(2, 0);

inline void adamFirstMoment(at::Tensor& exp_avg, const at::Tensor& grad, double beta1) {
  if (kAdamFirstMomentByLerp)
    exp_avg.lerp_(grad, 1 - beta1);
  else
    exp_avg.mul_(beta1).add_(grad, 1 - beta1);
}

// Autocast state per device type (CPU or CUDA). LibTorch 2.4 replaced the per-device functions
// (set_enabled / set_cpu_enabled, set_autocast_gpu_dtype / ..._cpu_dtype) by ones that take the
// device type.
inline bool autocastEnabled(c10::DeviceType device) {
#if MORPHAEUS_TORCH_AT_LEAST(2, 4)
  return at::autocast::is_autocast_enabled(device);
#else
  return device == c10::DeviceType::CUDA ? at::autocast::is_enabled()
                                         : at::autocast::is_cpu_enabled();
#endif
}

inline void setAutocastEnabled(c10::DeviceType device, bool on) {
#if MORPHAEUS_TORCH_AT_LEAST(2, 4)
  at::autocast::set_autocast_enabled(device, on);
#else
  if (device == c10::DeviceType::CUDA)
    at::autocast::set_enabled(on);
  else
    at::autocast::set_cpu_enabled(on);
#endif
}

inline c10::ScalarType autocastDtype(c10::DeviceType device) {
#if MORPHAEUS_TORCH_AT_LEAST(2, 4)
  return at::autocast::get_autocast_dtype(device);
#else
  return device == c10::DeviceType::CUDA ? at::autocast::get_autocast_gpu_dtype()
                                         : at::autocast::get_autocast_cpu_dtype();
#endif
}

inline void setAutocastDtype(c10::DeviceType device, c10::ScalarType dtype) {
#if MORPHAEUS_TORCH_AT_LEAST(2, 4)
  at::autocast::set_autocast_dtype(device, dtype);
#else
  if (device == c10::DeviceType::CUDA)
    at::autocast::set_autocast_gpu_dtype(dtype);
  else
    at::autocast::set_autocast_cpu_dtype(dtype);
#endif
}

}  // namespace morphaeus::compat
