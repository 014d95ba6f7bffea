// The AVX2 + FMA warp kernels, compiled where the compiler targets x86 (and not with the CMake
// option MORPHAEUS_PORTABLE_WARP); chosen at run time when the CPU has AVX2 and FMA. Float: eight
// pixels at a time with gathered taps; double: the portable loops compiled for AVX2 + FMA.
#pragma once

#include <cstdint>

#if (defined(__x86_64__) || defined(__i386__)) && !defined(MORPHAEUS_PORTABLE_WARP)
#define MORPHAEUS_WARP_AVX2 1
#else
#define MORPHAEUS_WARP_AVX2 0
#endif

#if MORPHAEUS_WARP_AVX2
namespace morphaeus::warp_kernels::cpu {

// True when this CPU runs AVX2 and FMA (checked once).
bool hasAvx2Fma();

void forwardRowsAvx2(const float* src, const float* flow, float* out, int64_t c, int64_t h,
                     int64_t w, int64_t begin, int64_t end);
void forwardRowsAvx2(const double* src, const double* flow, double* out, int64_t c, int64_t h,
                     int64_t w, int64_t begin, int64_t end);
void backwardItemAvx2(const float* gout, const float* src, const float* flow, float* gsrc,
                      float* gflow, int64_t c, int64_t h, int64_t w);
void backwardItemAvx2(const double* gout, const double* src, const double* flow, double* gsrc,
                      double* gflow, int64_t c, int64_t h, int64_t w);

}  // namespace morphaeus::warp_kernels::cpu
#endif
