// The precision decision (core/base/precision): `auto` from the CPU's flags and oneDNN's ISA
// cap, explicit settings as they say.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/base/mixed_precision.h"
#include "core/base/precision.h"

namespace morphaeus {
namespace {

TEST(Precision, AutoFollowsTheCpuFlagsAndOneDnnsIsaCap) {
  const std::string amx =
      "processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512_bf16 amx_bf16 amx_tile\n";
  const std::string avx2 = "processor\t: 0\nflags\t\t: fpu sse4_2 avx2 fma\n";
  const CpuBf16Support a = parseCpuBf16Support(amx, "");
  EXPECT_TRUE(a.amx_bf16 && a.avx512_bf16 && a.fast());
  EXPECT_EQ(a.describe(), "AMX-BF16 and AVX512-BF16");
  EXPECT_FALSE(parseCpuBf16Support(avx2, "").fast());
  EXPECT_EQ(parseCpuBf16Support(avx2, "").describe(), "no AMX-BF16 or AVX512-BF16");
  const CpuBf16Support capped = parseCpuBf16Support(amx, "avx2");
  EXPECT_FALSE(capped.fast());
  EXPECT_NE(capped.describe().find("ONEDNN_MAX_CPU_ISA=avx2"), std::string::npos);
  EXPECT_TRUE(parseCpuBf16Support(amx, "AVX512_CORE_AMX").fast());
  EXPECT_TRUE(parseCpuBf16Support(amx, "ALL").fast());
  EXPECT_FALSE(parseCpuBf16Support("", "").fast());  // not x86 Linux: nothing found
  // bf16 blocked: LibTorch sends bf16 convolutions to oneDNN on an AVX-512 CPU (BW, VL, DQ), and
  // oneDNN capped below AVX-512 has no kernel for them; without AVX-512 LibTorch uses its own.
  const std::string avx512 = "flags\t\t: fpu avx2 avx512f avx512dq avx512bw avx512vl\n";
  EXPECT_EQ(parseCpuBf16Support(avx512, "").blocked(), "");
  EXPECT_NE(parseCpuBf16Support(avx512, "AVX2").blocked().find("ONEDNN_MAX_CPU_ISA=AVX2"),
            std::string::npos);
  EXPECT_NE(parseCpuBf16Support(avx512, "avx2_vnni").blocked(), "");
  EXPECT_EQ(parseCpuBf16Support(avx512, "AVX512_CORE").blocked(), "");  // oneDNN emulates bf16
  EXPECT_EQ(parseCpuBf16Support(avx2, "AVX2").blocked(), "");
  EXPECT_EQ(parseCpuBf16Support(amx, "AVX2").blocked(), "");  // no BW/VL/DQ listed

  // Explicit settings are what they say; channels_last follows bf16 unless set.
  const ComputePrecision f = resolvePrecision(Precision::Fp32, c10::DeviceType::CPU);
  EXPECT_FALSE(f.autocast.has_value());
  EXPECT_FALSE(f.channels_last);
  if (cpuBf16Support().blocked().empty()) {
    const ComputePrecision b = resolvePrecision(Precision::Bf16, c10::DeviceType::CPU);
    EXPECT_EQ(b.autocast, std::optional<c10::ScalarType>(c10::ScalarType::BFloat16));
    EXPECT_TRUE(b.channels_last);
    EXPECT_FALSE(resolvePrecision(Precision::Bf16, c10::DeviceType::CPU, false).channels_last);
  } else {  // run under ONEDNN_MAX_CPU_ISA=AVX2 on an AVX-512 CPU
    EXPECT_THROW(resolvePrecision(Precision::Bf16, c10::DeviceType::CPU), std::invalid_argument);
  }
  // auto on this machine: what its flags say, and the log line says why.
  const ComputePrecision here = resolvePrecision(Precision::Auto, c10::DeviceType::CPU);
  EXPECT_EQ(here.chosen == Precision::Bf16, cpuBf16Support().fast());
  EXPECT_NE(here.describe().find("(auto: the CPU has "), std::string::npos) << here.describe();
  EXPECT_THROW(precisionFromName("fp16"), std::invalid_argument);
}

}  // namespace
}  // namespace morphaeus
