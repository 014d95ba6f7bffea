// Which of our hand-written CPU kernel variants to run (the fused Adam, the fused BatchNorm +
// swish, the NCC's window sums): ATen's own choice -- its AVX2/FMA vector kernels unless
// ATEN_CPU_CAPABILITY=default or the CPU lacks AVX2/FMA -- so that `ATEN_CPU_CAPABILITY=default`
// runs everything portable.
#pragma once

#include <cstdlib>
#include <cstring>

// A kernel's body written once and inlined into each variant (portable, and one compiled with
// __attribute__((target("avx2,fma")))), so that each is compiled for its own target.
#if defined(__GNUC__)
#define MORPHAEUS_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define MORPHAEUS_ALWAYS_INLINE inline
#endif

namespace morphaeus {

// True on x86-64 (GCC/Clang) where the AVX2+FMA variants should run; decided once.
inline bool useAvx2FmaKernels() {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool yes = [] {
    const char* cap = std::getenv("ATEN_CPU_CAPABILITY");
    const bool aten_default = cap != nullptr && std::strcmp(cap, "default") == 0;
    return !aten_default && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return yes;
#else
  return false;
#endif
}

}  // namespace morphaeus
