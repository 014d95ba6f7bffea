// The machine's own limit, measured in the same run as the rows it is compared with: the best
// GFLOP/s of a dense 3x3 channels_last convolution (forward) in float32 and, where the device
// runs bf16 fast (resolvePrecision: AMX-BF16/AVX512-BF16 CPUs, sm_80+ GPUs), in bfloat16.
#pragma once

#include <c10/core/Device.h>

#include <string>

namespace morphaeus {

struct ConvPeak {
  double fp32_gflops = 0, bf16_gflops = 0;  // 0: not measured
  std::string shape;                        // "16x128x64x64, 3x3, 128 -> 128"
  // The peak a row in `precision` ("fp32" | "bf16") is compared with (0: none).
  double forPrecision(const std::string& precision) const {
    return precision == "bf16" ? bf16_gflops : fp32_gflops;
  }
};

ConvPeak measureConvPeak(const c10::Device& device);

}  // namespace morphaeus
