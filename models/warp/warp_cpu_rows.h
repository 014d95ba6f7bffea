// The portable CPU warp loops, one image row (forward) or one batch item (backward) at a time.
// Per row, the bilinear taps are computed first -- corner indices into the plane (clamped) and
// weights (0 outside the image), branch-free -- and then applied to every channel. The
// interpolation is a chain of fused multiply-adds, as in LibTorch's AVX2 grid_sample kernel, so
// the forward pass agrees with the grid_sample path to the bit there. Internal to the warp
// kernels: warp_cpu.cpp runs these as they are, warp_cpu_avx2.cpp compiles them for AVX2 + FMA.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "models/warp/warp_math.h"

namespace morphaeus::warp_kernels::cpu {

#define MORPHAEUS_WARP_INLINE __attribute__((always_inline)) inline

// Bilinear taps of one row: corner indices into the plane (clamped) and weights (0 outside).
template <typename T>
struct RowTaps {
  explicit RowTaps(int64_t w) : idx(4 * w), wt(4 * w), dy(w), dx(w), m(4 * w) {}
  std::vector<int32_t> idx;  // [4][w]: nw, ne, sw, se
  std::vector<T> wt;         // [4][w]
  std::vector<T> dy, dx;     // fractional parts
  std::vector<T> m;          // [4][w] 1 inside, 0 outside
};

template <typename T>
MORPHAEUS_WARP_INLINE void computeTaps(const T* fy, const T* fx, int64_t i, int64_t h, int64_t w,
                                       RowTaps<T>& t, int64_t j_begin = 0) {
  const T hd = static_cast<T>(h - 1), wd = static_cast<T>(w - 1);
  const bool hy = h > 1, wx = w > 1;
  const T fi = static_cast<T>(i);
  int32_t* idx = t.idx.data();
  T* wt = t.wt.data();
  T* m = t.m.data();
  for (int64_t j = j_begin; j < w; ++j) {
    const T ly = fi + fy[j], lx = static_cast<T>(j) + fx[j];
    const T y = hy ? warp_math::alignedCornersRoundTrip(ly, hd) : ly;
    const T x = wx ? warp_math::alignedCornersRoundTrip(lx, wd) : lx;
    // Clamp before converting (huge or NaN flows land outside the image).
    const T y0f = std::max(T(-2), std::min(std::floor(y), static_cast<T>(h + 1)));
    const T x0f = std::max(T(-2), std::min(std::floor(x), static_cast<T>(w + 1)));
    const T dy = y - std::floor(y), dx = x - std::floor(x);
    const int32_t y0 = static_cast<int32_t>(y0f), x0 = static_cast<int32_t>(x0f);
    const T iy0 = (y0 >= 0 && y0 < h) ? T(1) : T(0),
            iy1 = (y0 + 1 >= 0 && y0 + 1 < h) ? T(1) : T(0);
    const T ix0 = (x0 >= 0 && x0 < w) ? T(1) : T(0),
            ix1 = (x0 + 1 >= 0 && x0 + 1 < w) ? T(1) : T(0);
    const int32_t cy0 = std::clamp<int32_t>(y0, 0, h - 1),
                  cy1 = std::clamp<int32_t>(y0 + 1, 0, h - 1);
    const int32_t cx0 = std::clamp<int32_t>(x0, 0, w - 1),
                  cx1 = std::clamp<int32_t>(x0 + 1, 0, w - 1);
    t.dy[j] = dy;
    t.dx[j] = dx;
    m[j] = iy0 * ix0;
    m[w + j] = iy0 * ix1;
    m[2 * w + j] = iy1 * ix0;
    m[3 * w + j] = iy1 * ix1;
    wt[j] = (1 - dy) * (1 - dx) * m[j];
    wt[w + j] = (1 - dy) * dx * m[w + j];
    wt[2 * w + j] = dy * (1 - dx) * m[2 * w + j];
    wt[3 * w + j] = dy * dx * m[3 * w + j];
    idx[j] = cy0 * static_cast<int32_t>(w) + cx0;
    idx[w + j] = cy0 * static_cast<int32_t>(w) + cx1;
    idx[2 * w + j] = cy1 * static_cast<int32_t>(w) + cx0;
    idx[3 * w + j] = cy1 * static_cast<int32_t>(w) + cx1;
  }
}

// The interpolation of output pixels [j0, w) of one channel's row: four taps, fused multiply-adds.
template <typename T>
MORPHAEUS_WARP_INLINE void sampleRow(const T* sp, const RowTaps<T>& t, T* o, int64_t j0,
                                     int64_t w) {
  const int32_t* idx = t.idx.data();
  const T* wt = t.wt.data();
  for (int64_t j = j0; j < w; ++j) {
    T v = sp[idx[j]] * wt[j];
    v = std::fma(sp[idx[w + j]], wt[w + j], v);
    v = std::fma(sp[idx[2 * w + j]], wt[2 * w + j], v);
    o[j] = std::fma(sp[idx[3 * w + j]], wt[3 * w + j], v);
  }
}

// grad_src of one channel's row: the output gradient scattered onto the four taps.
template <typename T>
MORPHAEUS_WARP_INLINE void scatterRow(T* gp, const RowTaps<T>& t, const T* g, int64_t w) {
  const int32_t* idx = t.idx.data();
  const T* wt = t.wt.data();
  for (int64_t j = 0; j < w; ++j) {
    gp[idx[j]] += wt[j] * g[j];
    gp[idx[w + j]] += wt[w + j] * g[j];
    gp[idx[2 * w + j]] += wt[2 * w + j] * g[j];
    gp[idx[3 * w + j]] += wt[3 * w + j] * g[j];
  }
}

// grad_flow of pixels [j0, w) of one channel's row, added to gy (rows) and gx (columns).
template <typename T>
MORPHAEUS_WARP_INLINE void flowGradRow(const T* sp, const RowTaps<T>& t, const T* g, T* gy, T* gx,
                                       int64_t j0, int64_t w) {
  const int32_t* idx = t.idx.data();
  const T* m = t.m.data();
  for (int64_t j = j0; j < w; ++j) {
    const T v00 = sp[idx[j]] * m[j], v01 = sp[idx[w + j]] * m[w + j];
    const T v10 = sp[idx[2 * w + j]] * m[2 * w + j], v11 = sp[idx[3 * w + j]] * m[3 * w + j];
    const T dy = t.dy[j], dx = t.dx[j];
    gy[j] += g[j] * ((v10 - v00) * (1 - dx) + (v11 - v01) * dx);
    gx[j] += g[j] * ((v01 - v00) * (1 - dy) + (v11 - v10) * dy);
  }
}

template <typename T>
MORPHAEUS_WARP_INLINE void forwardRows(const T* src, const T* flow, T* out, int64_t c, int64_t h,
                                       int64_t w, int64_t begin, int64_t end) {
  const int64_t plane = h * w;
  RowTaps<T> t(w);
  for (int64_t row = begin; row < end; ++row) {
    const int64_t b = row / h, i = row % h;
    const T* fy = flow + b * 2 * plane + i * w;
    computeTaps(fy, fy + plane, i, h, w, t);
    for (int64_t ch = 0; ch < c; ++ch) {
      const T* sp = src + (b * c + ch) * plane;
      T* o = out + (b * c + ch) * plane + i * w;
      sampleRow(sp, t, o, 0, w);
    }
  }
}

// One batch item: grad_src is a scatter, so items (not rows) are the unit of parallelism.
template <typename T>
MORPHAEUS_WARP_INLINE void backwardItem(const T* gout, const T* src, const T* flow, T* gsrc,
                                        T* gflow, int64_t c, int64_t h, int64_t w) {
  const int64_t plane = h * w;
  RowTaps<T> t(w);
  std::vector<T> gy(w), gx(w);
  for (int64_t i = 0; i < h; ++i) {
    computeTaps(flow + i * w, flow + plane + i * w, i, h, w, t);
    std::fill(gy.begin(), gy.end(), T(0));
    std::fill(gx.begin(), gx.end(), T(0));
    for (int64_t ch = 0; ch < c; ++ch) {
      const T* g = gout + ch * plane + i * w;
      if (gsrc != nullptr) {
        scatterRow(gsrc + ch * plane, t, g, w);
      }
      if (gflow != nullptr) {
        flowGradRow(src + ch * plane, t, g, gy.data(), gx.data(), 0, w);
      }
    }
    if (gflow != nullptr) {
      std::copy(gy.begin(), gy.end(), gflow + i * w);
      std::copy(gx.begin(), gx.end(), gflow + plane + i * w);
    }
  }
}

}  // namespace morphaeus::warp_kernels::cpu
