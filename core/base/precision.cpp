#include "core/base/precision.h"

#include <ATen/detail/CUDAHooksInterface.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace morphaeus {

Precision precisionFromName(const std::string& name) {
  if (name == "fp32") return Precision::Fp32;
  if (name == "bf16") return Precision::Bf16;
  if (name == "auto") return Precision::Auto;
  if (name == "fp64") return Precision::Fp64;
  throw std::invalid_argument("unknown precision '" + name + "' (fp32, bf16, auto or fp64)");
}

const char* precisionName(Precision p) {
  switch (p) {
    case Precision::Bf16:
      return "bf16";
    case Precision::Auto:
      return "auto";
    case Precision::Fp64:
      return "fp64";
    case Precision::Fp32:
      break;
  }
  return "fp32";
}

std::vector<std::string> precisionNames(bool with_fp64) {
  std::vector<std::string> names{"fp32", "bf16", "auto"};
  if (with_fp64) names.emplace_back("fp64");
  return names;
}

std::string CpuBf16Support::describe() const {
  std::string has;
  if (amx_bf16) has = "AMX-BF16";
  if (avx512_bf16) has += has.empty() ? "AVX512-BF16" : " and AVX512-BF16";
  if (has.empty()) return "no AMX-BF16 or AVX512-BF16";
  if (!isa_cap.empty()) return has + ", but ONEDNN_MAX_CPU_ISA=" + isa_cap + " excludes them";
  return has;
}

std::string CpuBf16Support::blocked() const {
  if (!avx512_core || !cap_below_avx512) return {};
  return "ONEDNN_MAX_CPU_ISA=" + isa_cap +
         " leaves oneDNN no bf16 convolution kernel, but LibTorch sends bf16 convolutions to "
         "oneDNN on this AVX-512 CPU; use fp32 or auto, or unset ONEDNN_MAX_CPU_ISA";
}

CpuBf16Support parseCpuBf16Support(const std::string& cpuinfo, const std::string& isa_cap) {
  CpuBf16Support s;
  std::istringstream lines(cpuinfo);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("flags", 0) != 0) continue;  // x86: "flags\t\t: fpu vme ..."
    std::istringstream words(
        line.substr(line.find(':') == std::string::npos ? 0 : line.find(':') + 1));
    std::string w;
    int avx512_core = 0;
    while (words >> w) {
      s.amx_bf16 = s.amx_bf16 || w == "amx_bf16";
      s.avx512_bf16 = s.avx512_bf16 || w == "avx512_bf16";
      avx512_core += w == "avx512bw" || w == "avx512vl" || w == "avx512dq";
    }
    s.avx512_core = avx512_core == 3;
    break;  // every core lists the same flags
  }
  std::string cap = isa_cap;
  std::transform(cap.begin(), cap.end(), cap.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  // oneDNN's ISA names: SSE41, AVX, AVX2, AVX2_VNNI, AVX512_CORE, AVX512_CORE_VNNI,
  // AVX512_CORE_BF16, AVX512_CORE_FP16, AVX512_CORE_AMX, ALL. The bf16 kernels need BF16 or AMX.
  if (!cap.empty() && cap != "ALL" && cap.find("BF16") == std::string::npos &&
      cap.find("AMX") == std::string::npos && cap.find("FP16") == std::string::npos) {
    s.isa_cap = isa_cap;
    s.cap_below_avx512 = cap.find("AVX512") == std::string::npos;
  }
  return s;
}

const CpuBf16Support& cpuBf16Support() {
  static const CpuBf16Support s = [] {
    std::string text;
#if defined(__linux__) && (defined(__x86_64__) || defined(_M_X64))
    std::ifstream in("/proc/cpuinfo");
    std::ostringstream all;
    all << in.rdbuf();
    text = all.str();
#endif
    const char* cap = std::getenv("ONEDNN_MAX_CPU_ISA");
    if (cap == nullptr) cap = std::getenv("DNNL_MAX_CPU_ISA");
    return parseCpuBf16Support(text, cap ? cap : "");
  }();
  return s;
}

std::string ComputePrecision::describe() const {
  std::string s = precisionName(chosen);
  if (channels_last) s += " + channels_last";
  if (requested == Precision::Auto) s += " (auto: " + reason + ")";
  return s;
}

ComputePrecision resolvePrecision(Precision requested, c10::DeviceType device,
                                  std::optional<bool> channels_last) {
  ComputePrecision c;
  c.requested = requested;
  c.chosen = requested;
  if (requested == Precision::Auto) {
    if (device == c10::DeviceType::CUDA) {
      const bool bf16 = at::detail::getCUDAHooks().supportsBFloat16ConvolutionWithCuDNNv8();
      c.chosen = bf16 ? Precision::Bf16 : Precision::Fp32;
      c.reason = bf16 ? "the GPU runs bf16 convolutions (sm_80 or newer, cuDNN 8)"
                      : "the GPU has no bf16 convolutions";
    } else if (device == c10::DeviceType::CPU) {
      const CpuBf16Support& cpu = cpuBf16Support();
      c.chosen = cpu.fast() ? Precision::Bf16 : Precision::Fp32;
      c.reason = "the CPU has " + cpu.describe();
    } else {
      c.chosen = Precision::Fp32;
      c.reason = "no bf16 fast path on this device";
    }
  }
  if (c.chosen == Precision::Bf16 && device == c10::DeviceType::CPU) {
    const std::string why = cpuBf16Support().blocked();
    if (!why.empty()) throw std::invalid_argument("precision bf16: " + why);
  }
  if (c.chosen == Precision::Bf16) c.autocast = c10::ScalarType::BFloat16;
  c.channels_last = channels_last.value_or(c.chosen == Precision::Bf16);
  return c;
}

}  // namespace morphaeus
