// Which arithmetic a run computes in (trainer.params.performance.precision, a task's
// params.precision, `--precision`): fp32 (the default wherever the key is absent: the authors'
// numbers), bf16 (autocast with float32 master weights and float32 loss reductions, channels_last
// activations and weights), auto (bf16 where the hardware runs it fast, else fp32) and fp64
// (training only: numerical checks). resolvePrecision decides `auto` at run time and says why.
#pragma once

#include <c10/core/DeviceType.h>
#include <c10/core/ScalarType.h>

#include <optional>
#include <string>
#include <vector>

namespace morphaeus {

enum class Precision { Fp32, Bf16, Auto, Fp64 };

// "fp32" | "bf16" | "auto" | "fp64"; std::invalid_argument otherwise.
Precision precisionFromName(const std::string& name);
const char* precisionName(Precision p);
// The names the config keys and the flags accept (fp64 only where training reads it).
std::vector<std::string> precisionNames(bool with_fp64);

// What this CPU offers bf16 convolutions and matrix products (x86-64 Linux: the kernel's CPU
// flags; elsewhere none found). oneDNN uses them unless ONEDNN_MAX_CPU_ISA (or DNNL_MAX_CPU_ISA)
// caps it below AVX512_CORE_BF16.
struct CpuBf16Support {
  bool amx_bf16 = false, avx512_bf16 = false;
  bool avx512_core = false;  // AVX512BW, VL and DQ: LibTorch then sends bf16 convolutions to oneDNN
  std::string isa_cap;       // the ONEDNN_MAX_CPU_ISA value when it excludes the bf16 kernels
  bool cap_below_avx512 = false;  // ... and every AVX-512 kernel (SSE41, AVX, AVX2, AVX2_VNNI)
  bool fast() const { return (amx_bf16 || avx512_bf16) && isa_cap.empty(); }
  std::string describe() const;  // e.g. "AMX-BF16 and AVX512-BF16" / "no AMX-BF16 or AVX512-BF16"
  // Why bf16 cannot run at all here, empty when it can: LibTorch picks oneDNN for bf16
  // convolutions from the CPU's flags, and oneDNN, capped below AVX-512, has no kernel for them.
  std::string blocked() const;
};
const CpuBf16Support& cpuBf16Support();
// From a /proc/cpuinfo text and an ISA cap (the environment's; tests pass their own).
CpuBf16Support parseCpuBf16Support(const std::string& cpuinfo, const std::string& isa_cap);

// The decision for one device: what autocast runs in (none: float32 or float64 throughout),
// whether activations and 4-D weights are channels_last, and the reason, for the log.
struct ComputePrecision {
  Precision requested = Precision::Fp32, chosen = Precision::Fp32;
  std::optional<c10::ScalarType> autocast;
  bool channels_last = false;
  std::string reason;
  std::string describe() const;  // "bf16 + channels_last (auto: ...)"
};
// channels_last: an explicit setting, else on exactly when the result is bf16 (contiguous bf16
// tensors miss oneDNN's fast kernels on the CPU). An explicit bf16 on a CPU where it is
// blocked() throws std::invalid_argument saying why (auto picks fp32 there).
ComputePrecision resolvePrecision(Precision requested, c10::DeviceType device,
                                  std::optional<bool> channels_last = std::nullopt);

}  // namespace morphaeus
