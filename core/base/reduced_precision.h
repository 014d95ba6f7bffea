// bf16/fp16 tensors, as autocast regions produce them: the models and the losses compute what
// needs float32 (sampling, field integration, sums) after checking this.
#pragma once

#include <ATen/core/Tensor.h>

namespace morphaeus {

inline bool isReducedFloat(const at::Tensor& t) {
  return t.scalar_type() == c10::ScalarType::BFloat16 || t.scalar_type() == c10::ScalarType::Half;
}

}  // namespace morphaeus
