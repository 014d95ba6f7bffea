// Bilinear sampling arithmetic shared by the CPU and CUDA warp kernels (no LibTorch here, so the
// .cu file needs only the CUDA runtime).
#pragma once

#include <cmath>
#include <cstdint>

#ifdef __CUDACC__
#define MORPHAEUS_HD __host__ __device__ __forceinline__
#else
#define MORPHAEUS_HD inline
#endif

namespace morphaeus::warp_math {

// The one coordinate formula of every warp kernel (CPU scalar, CPU AVX2, CUDA): position `loc`
// (pixels) normalised to [-1, 1] and back, n = 2 * (loc / extent - 0.5), pos = (n + 1) *
// (extent / 2) with extent = size - 1, as upstream's normalise + grid_sample(align_corners=True)
// path rounds it. Exact in real arithmetic (pos == loc). V is S or a vector of S (GCC/Clang
// vector types such as __m256 take the same operators); the kernels build with
// -ffp-contract=off, so every operation rounds as written.
template <typename V, typename S>
MORPHAEUS_HD V alignedCornersRoundTrip(V loc, S extent) {
  return (S(2) * (loc / extent - S(0.5)) + S(1)) * (extent / S(2));
}

// Source coordinate along one axis for output index `i` displaced by `d` pixels.
template <typename T>
MORPHAEUS_HD T sourceCoord(int64_t i, T d, int64_t size) {
  if (size <= 1) return static_cast<T>(i) + d;  // grid_sample: 0/0 normalisation, avoid it
  return alignedCornersRoundTrip(static_cast<T>(i) + d, static_cast<T>(size - 1));
}

// The four neighbours of (y, x) with their weights; a neighbour outside the image has
// valid == false and contributes zero (zero padding).
template <typename T>
struct Bilinear {
  int64_t y0, x0;
  T dy, dx;  // fractional parts
  bool in_y0, in_y1, in_x0, in_x1;

  MORPHAEUS_HD Bilinear(T y, T x, int64_t h, int64_t w) {
    const T fy = ::floor(y), fx = ::floor(x);
    y0 = static_cast<int64_t>(fy);
    x0 = static_cast<int64_t>(fx);
    dy = y - fy;
    dx = x - fx;
    in_y0 = y0 >= 0 && y0 < h;
    in_y1 = y0 + 1 >= 0 && y0 + 1 < h;
    in_x0 = x0 >= 0 && x0 < w;
    in_x1 = x0 + 1 >= 0 && x0 + 1 < w;
  }
  // Positions far outside the image (or NaN) sample nothing.
  MORPHAEUS_HD bool any() const { return (in_y0 || in_y1) && (in_x0 || in_x1); }
};

}  // namespace morphaeus::warp_math
