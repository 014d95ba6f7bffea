// CPU kernels of the native warp. Per row, the source coordinates are computed in a loop the
// compiler vectorises (AVX2 + FMA clone when the CPU has them); the bilinear taps are then
// branch-free: corners outside the image get weight 0 and a clamped index. The interpolation is
// a chain of fused multiply-adds, as in LibTorch's AVX2 grid_sample kernel, so the forward pass
// agrees with the grid_sample path to the bit there.
#include <ATen/Parallel.h>
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "models/warp/warp_kernels.h"
#include "models/warp/warp_math.h"

namespace morphaeus::warp_kernels {
namespace {

#define MORPHAEUS_INLINE __attribute__((always_inline)) inline

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
MORPHAEUS_INLINE void computeTaps(const T* fy, const T* fx, int64_t i, int64_t h, int64_t w,
                                  RowTaps<T>& t, int64_t j_begin = 0) {
  const T hd = static_cast<T>(h - 1), wd = static_cast<T>(w - 1);
  const T hh = hd / T(2), wh = wd / T(2);
  const bool hy = h > 1, wx = w > 1;
  const T fi = static_cast<T>(i);
  int32_t* idx = t.idx.data();
  T* wt = t.wt.data();
  T* m = t.m.data();
  for (int64_t j = j_begin; j < w; ++j) {
    // Same rounding as normalise -> grid_sample(align_corners=True) (see warp_math.h).
    const T ly = fi + fy[j], lx = static_cast<T>(j) + fx[j];
    const T y = hy ? (T(2) * (ly / hd - T(0.5)) + T(1)) * hh : ly;
    const T x = wx ? (T(2) * (lx / wd - T(0.5)) + T(1)) * wh : lx;
    // Clamp before converting (huge or NaN flows land outside the image).
    const T y0f = std::max(T(-2), std::min(std::floor(y), static_cast<T>(h + 1)));
    const T x0f = std::max(T(-2), std::min(std::floor(x), static_cast<T>(w + 1)));
    const T dy = y - std::floor(y), dx = x - std::floor(x);
    const int32_t y0 = static_cast<int32_t>(y0f), x0 = static_cast<int32_t>(x0f);
    const T iy0 = (y0 >= 0 && y0 < h) ? T(1) : T(0), iy1 = (y0 + 1 >= 0 && y0 + 1 < h) ? T(1) : T(0);
    const T ix0 = (x0 >= 0 && x0 < w) ? T(1) : T(0), ix1 = (x0 + 1 >= 0 && x0 + 1 < w) ? T(1) : T(0);
    const int32_t cy0 = std::clamp<int32_t>(y0, 0, h - 1), cy1 = std::clamp<int32_t>(y0 + 1, 0, h - 1);
    const int32_t cx0 = std::clamp<int32_t>(x0, 0, w - 1), cx1 = std::clamp<int32_t>(x0 + 1, 0, w - 1);
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

template <typename T>
MORPHAEUS_INLINE void forwardRows(const T* src, const T* flow, T* out, int64_t c, int64_t h,
                                  int64_t w, int64_t begin, int64_t end) {
  const int64_t plane = h * w;
  RowTaps<T> t(w);
  for (int64_t row = begin; row < end; ++row) {
    const int64_t b = row / h, i = row % h;
    const T* fy = flow + b * 2 * plane + i * w;
    computeTaps(fy, fy + plane, i, h, w, t);
    const int32_t* idx = t.idx.data();
    const T* wt = t.wt.data();
    for (int64_t ch = 0; ch < c; ++ch) {
      const T* sp = src + (b * c + ch) * plane;
      T* o = out + (b * c + ch) * plane + i * w;
      for (int64_t j = 0; j < w; ++j) {
        T v = sp[idx[j]] * wt[j];
        v = std::fma(sp[idx[w + j]], wt[w + j], v);
        v = std::fma(sp[idx[2 * w + j]], wt[2 * w + j], v);
        o[j] = std::fma(sp[idx[3 * w + j]], wt[3 * w + j], v);
      }
    }
  }
}

// One batch item: grad_src is a scatter, so items (not rows) are the unit of parallelism.
template <typename T>
MORPHAEUS_INLINE void backwardItem(const T* gout, const T* src, const T* flow, T* gsrc, T* gflow,
                                   int64_t c, int64_t h, int64_t w) {
  const int64_t plane = h * w;
  RowTaps<T> t(w);
  std::vector<T> gy(w), gx(w);
  for (int64_t i = 0; i < h; ++i) {
    computeTaps(flow + i * w, flow + plane + i * w, i, h, w, t);
    const int32_t* idx = t.idx.data();
    const T* wt = t.wt.data();
    const T* m = t.m.data();
    std::fill(gy.begin(), gy.end(), T(0));
    std::fill(gx.begin(), gx.end(), T(0));
    for (int64_t ch = 0; ch < c; ++ch) {
      const T* g = gout + ch * plane + i * w;
      if (gsrc != nullptr) {
        T* gp = gsrc + ch * plane;
        for (int64_t j = 0; j < w; ++j) {
          gp[idx[j]] += wt[j] * g[j];
          gp[idx[w + j]] += wt[w + j] * g[j];
          gp[idx[2 * w + j]] += wt[2 * w + j] * g[j];
          gp[idx[3 * w + j]] += wt[3 * w + j] * g[j];
        }
      }
      if (gflow != nullptr) {
        const T* sp = src + ch * plane;
        for (int64_t j = 0; j < w; ++j) {
          const T v00 = sp[idx[j]] * m[j], v01 = sp[idx[w + j]] * m[w + j];
          const T v10 = sp[idx[2 * w + j]] * m[2 * w + j], v11 = sp[idx[3 * w + j]] * m[3 * w + j];
          const T dy = t.dy[j], dx = t.dx[j];
          gy[j] += g[j] * ((v10 - v00) * (1 - dx) + (v11 - v01) * dx);
          gx[j] += g[j] * ((v01 - v00) * (1 - dy) + (v11 - v10) * dy);
        }
      }
    }
    if (gflow != nullptr) {
      std::copy(gy.begin(), gy.end(), gflow + i * w);
      std::copy(gx.begin(), gx.end(), gflow + plane + i * w);
    }
  }
}

// Clones compiled for AVX2 + FMA; the generic versions run elsewhere.
template <typename T>
__attribute__((target("avx2,fma"))) void forwardRowsAvx2(const T* src, const T* flow, T* out,
                                                         int64_t c, int64_t h, int64_t w,
                                                         int64_t begin, int64_t end) {
  forwardRows<T>(src, flow, out, c, h, w, begin, end);
}
template <typename T>
__attribute__((target("avx2,fma"))) void backwardItemAvx2(const T* gout, const T* src,
                                                          const T* flow, T* gsrc, T* gflow,
                                                          int64_t c, int64_t h, int64_t w) {
  backwardItem<T>(gout, src, flow, gsrc, gflow, c, h, w);
}


// ---- AVX2 + FMA float path: 8 pixels at a time, bilinear taps gathered ----------------------

// 1.0 where 0 <= v <= max, else 0.0.
__attribute__((target("avx2,fma"))) inline __m256 inside(__m256 v, __m256 max) {
  const __m256 zero = _mm256_setzero_ps();
  const __m256 ok = _mm256_and_ps(_mm256_cmp_ps(v, zero, _CMP_GE_OQ), _mm256_cmp_ps(v, max, _CMP_LE_OQ));
  return _mm256_and_ps(ok, _mm256_set1_ps(1.f));
}

__attribute__((target("avx2,fma"))) void computeTapsAvx2(const float* fy, const float* fx,
                                                         int64_t i, int64_t h, int64_t w,
                                                         RowTaps<float>& t) {
  const int64_t vec_end = (h > 1 && w > 1) ? w - w % 8 : 0;
  const __m256 one = _mm256_set1_ps(1.f), two = _mm256_set1_ps(2.f), half = _mm256_set1_ps(0.5f);
  const __m256 lo = _mm256_set1_ps(-2.f);
  const __m256 hd = _mm256_set1_ps(static_cast<float>(h - 1)), wd = _mm256_set1_ps(static_cast<float>(w - 1));
  const __m256 hh = _mm256_set1_ps(static_cast<float>(h - 1) / 2.f);
  const __m256 wh = _mm256_set1_ps(static_cast<float>(w - 1) / 2.f);
  const __m256 hiy = _mm256_set1_ps(static_cast<float>(h + 1)), hix = _mm256_set1_ps(static_cast<float>(w + 1));
  const __m256 fi = _mm256_set1_ps(static_cast<float>(i));
  const __m256 iota = _mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i zi = _mm256_setzero_si256(), onei = _mm256_set1_epi32(1);
  const __m256i hm1 = _mm256_set1_epi32(static_cast<int32_t>(h - 1));
  const __m256i wm1 = _mm256_set1_epi32(static_cast<int32_t>(w - 1));
  const __m256i wv = _mm256_set1_epi32(static_cast<int32_t>(w));
  int32_t* idx = t.idx.data();
  float* wt = t.wt.data();
  float* m = t.m.data();
  for (int64_t j = 0; j < vec_end; j += 8) {
    const __m256 ly = _mm256_add_ps(fi, _mm256_loadu_ps(fy + j));
    const __m256 lx = _mm256_add_ps(_mm256_add_ps(_mm256_set1_ps(static_cast<float>(j)), iota),
                                    _mm256_loadu_ps(fx + j));
    const __m256 y = _mm256_mul_ps(
        _mm256_add_ps(_mm256_mul_ps(two, _mm256_sub_ps(_mm256_div_ps(ly, hd), half)), one), hh);
    const __m256 x = _mm256_mul_ps(
        _mm256_add_ps(_mm256_mul_ps(two, _mm256_sub_ps(_mm256_div_ps(lx, wd), half)), one), wh);
    const __m256 fly = _mm256_floor_ps(y), flx = _mm256_floor_ps(x);
    const __m256 dy = _mm256_sub_ps(y, fly), dx = _mm256_sub_ps(x, flx);
    const __m256 y0f = _mm256_max_ps(_mm256_min_ps(fly, hiy), lo);
    const __m256 x0f = _mm256_max_ps(_mm256_min_ps(flx, hix), lo);
    const __m256 iy0 = inside(y0f, hd), iy1 = inside(_mm256_add_ps(y0f, one), hd);
    const __m256 ix0 = inside(x0f, wd), ix1 = inside(_mm256_add_ps(x0f, one), wd);
    const __m256 m00 = _mm256_mul_ps(iy0, ix0), m01 = _mm256_mul_ps(iy0, ix1);
    const __m256 m10 = _mm256_mul_ps(iy1, ix0), m11 = _mm256_mul_ps(iy1, ix1);
    const __m256i y0 = _mm256_cvttps_epi32(y0f), x0 = _mm256_cvttps_epi32(x0f);
    const __m256i cy0 = _mm256_min_epi32(_mm256_max_epi32(y0, zi), hm1);
    const __m256i cy1 = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(y0, onei), zi), hm1);
    const __m256i cx0 = _mm256_min_epi32(_mm256_max_epi32(x0, zi), wm1);
    const __m256i cx1 = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(x0, onei), zi), wm1);
    const __m256i r0 = _mm256_mullo_epi32(cy0, wv), r1 = _mm256_mullo_epi32(cy1, wv);
    const __m256 omy = _mm256_sub_ps(one, dy), omx = _mm256_sub_ps(one, dx);
    _mm256_storeu_ps(t.dy.data() + j, dy);
    _mm256_storeu_ps(t.dx.data() + j, dx);
    _mm256_storeu_ps(m + j, m00);
    _mm256_storeu_ps(m + w + j, m01);
    _mm256_storeu_ps(m + 2 * w + j, m10);
    _mm256_storeu_ps(m + 3 * w + j, m11);
    _mm256_storeu_ps(wt + j, _mm256_mul_ps(_mm256_mul_ps(omy, omx), m00));
    _mm256_storeu_ps(wt + w + j, _mm256_mul_ps(_mm256_mul_ps(omy, dx), m01));
    _mm256_storeu_ps(wt + 2 * w + j, _mm256_mul_ps(_mm256_mul_ps(dy, omx), m10));
    _mm256_storeu_ps(wt + 3 * w + j, _mm256_mul_ps(_mm256_mul_ps(dy, dx), m11));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(idx + j), _mm256_add_epi32(r0, cx0));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(idx + w + j), _mm256_add_epi32(r0, cx1));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(idx + 2 * w + j), _mm256_add_epi32(r1, cx0));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(idx + 3 * w + j), _mm256_add_epi32(r1, cx1));
  }
  computeTaps<float>(fy, fx, i, h, w, t, vec_end);
}

__attribute__((target("avx2,fma"))) inline __m256 gather(const float* base, const int32_t* idx) {
  return _mm256_i32gather_ps(base, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(idx)), 4);
}

__attribute__((target("avx2,fma"))) void forwardRowsAvx2F(const float* src, const float* flow,
                                                          float* out, int64_t c, int64_t h,
                                                          int64_t w, int64_t begin, int64_t end) {
  const int64_t plane = h * w;
  RowTaps<float> t(w);
  for (int64_t row = begin; row < end; ++row) {
    const int64_t b = row / h, i = row % h;
    const float* fy = flow + b * 2 * plane + i * w;
    computeTapsAvx2(fy, fy + plane, i, h, w, t);
    const int32_t* idx = t.idx.data();
    const float* wt = t.wt.data();
    for (int64_t ch = 0; ch < c; ++ch) {
      const float* sp = src + (b * c + ch) * plane;
      float* o = out + (b * c + ch) * plane + i * w;
      int64_t j = 0;
      for (; j + 8 <= w; j += 8) {
        __m256 v = _mm256_mul_ps(gather(sp, idx + j), _mm256_loadu_ps(wt + j));
        v = _mm256_fmadd_ps(gather(sp, idx + w + j), _mm256_loadu_ps(wt + w + j), v);
        v = _mm256_fmadd_ps(gather(sp, idx + 2 * w + j), _mm256_loadu_ps(wt + 2 * w + j), v);
        v = _mm256_fmadd_ps(gather(sp, idx + 3 * w + j), _mm256_loadu_ps(wt + 3 * w + j), v);
        _mm256_storeu_ps(o + j, v);
      }
      for (; j < w; ++j) {
        float v = sp[idx[j]] * wt[j];
        v = std::fma(sp[idx[w + j]], wt[w + j], v);
        v = std::fma(sp[idx[2 * w + j]], wt[2 * w + j], v);
        o[j] = std::fma(sp[idx[3 * w + j]], wt[3 * w + j], v);
      }
    }
  }
}

__attribute__((target("avx2,fma"))) void backwardItemAvx2F(const float* gout, const float* src,
                                                           const float* flow, float* gsrc,
                                                           float* gflow, int64_t c, int64_t h,
                                                           int64_t w) {
  const int64_t plane = h * w;
  RowTaps<float> t(w);
  std::vector<float> gy(w), gx(w);
  const __m256 one = _mm256_set1_ps(1.f);
  for (int64_t i = 0; i < h; ++i) {
    computeTapsAvx2(flow + i * w, flow + plane + i * w, i, h, w, t);
    const int32_t* idx = t.idx.data();
    const float* wt = t.wt.data();
    const float* m = t.m.data();
    std::fill(gy.begin(), gy.end(), 0.f);
    std::fill(gx.begin(), gx.end(), 0.f);
    for (int64_t ch = 0; ch < c; ++ch) {
      const float* g = gout + ch * plane + i * w;
      if (gsrc != nullptr) {
        float* gp = gsrc + ch * plane;
        for (int64_t j = 0; j < w; ++j) {
          gp[idx[j]] += wt[j] * g[j];
          gp[idx[w + j]] += wt[w + j] * g[j];
          gp[idx[2 * w + j]] += wt[2 * w + j] * g[j];
          gp[idx[3 * w + j]] += wt[3 * w + j] * g[j];
        }
      }
      if (gflow == nullptr) continue;
      const float* sp = src + ch * plane;
      int64_t j = 0;
      for (; j + 8 <= w; j += 8) {
        const __m256 v00 = _mm256_mul_ps(gather(sp, idx + j), _mm256_loadu_ps(m + j));
        const __m256 v01 = _mm256_mul_ps(gather(sp, idx + w + j), _mm256_loadu_ps(m + w + j));
        const __m256 v10 = _mm256_mul_ps(gather(sp, idx + 2 * w + j), _mm256_loadu_ps(m + 2 * w + j));
        const __m256 v11 = _mm256_mul_ps(gather(sp, idx + 3 * w + j), _mm256_loadu_ps(m + 3 * w + j));
        const __m256 dy = _mm256_loadu_ps(t.dy.data() + j), dx = _mm256_loadu_ps(t.dx.data() + j);
        const __m256 gv = _mm256_loadu_ps(g + j);
        const __m256 sy = _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(v10, v00), _mm256_sub_ps(one, dx)),
                                        _mm256_mul_ps(_mm256_sub_ps(v11, v01), dx));
        const __m256 sx = _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(v01, v00), _mm256_sub_ps(one, dy)),
                                        _mm256_mul_ps(_mm256_sub_ps(v11, v10), dy));
        _mm256_storeu_ps(gy.data() + j, _mm256_add_ps(_mm256_loadu_ps(gy.data() + j), _mm256_mul_ps(gv, sy)));
        _mm256_storeu_ps(gx.data() + j, _mm256_add_ps(_mm256_loadu_ps(gx.data() + j), _mm256_mul_ps(gv, sx)));
      }
      for (; j < w; ++j) {
        const float v00 = sp[idx[j]] * m[j], v01 = sp[idx[w + j]] * m[w + j];
        const float v10 = sp[idx[2 * w + j]] * m[2 * w + j], v11 = sp[idx[3 * w + j]] * m[3 * w + j];
        const float dy = t.dy[j], dx = t.dx[j];
        gy[j] += g[j] * ((v10 - v00) * (1 - dx) + (v11 - v01) * dx);
        gx[j] += g[j] * ((v01 - v00) * (1 - dy) + (v11 - v10) * dy);
      }
    }
    if (gflow != nullptr) {
      std::copy(gy.begin(), gy.end(), gflow + i * w);
      std::copy(gx.begin(), gx.end(), gflow + plane + i * w);
    }
  }
}

bool hasAvx2Fma() {
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
}

template <typename T>
void forwardImpl(const T* src, const T* flow, T* out, int64_t n, int64_t c, int64_t h, int64_t w) {
  at::parallel_for(0, n * h, 8, [&](int64_t begin, int64_t end) {
    if constexpr (std::is_same_v<T, float>) {
      if (hasAvx2Fma()) return forwardRowsAvx2F(src, flow, out, c, h, w, begin, end);
    }
    if (hasAvx2Fma()) {
      forwardRowsAvx2<T>(src, flow, out, c, h, w, begin, end);
    } else {
      forwardRows<T>(src, flow, out, c, h, w, begin, end);
    }
  });
}

template <typename T>
void backwardImpl(const T* gout, const T* src, const T* flow, T* gsrc, T* gflow, int64_t n,
                  int64_t c, int64_t h, int64_t w) {
  const int64_t plane = h * w;
  at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      const T* g = gout + b * c * plane;
      const T* s = src + b * c * plane;
      const T* f = flow + b * 2 * plane;
      T* gs = gsrc ? gsrc + b * c * plane : nullptr;
      T* gf = gflow ? gflow + b * 2 * plane : nullptr;
      if constexpr (std::is_same_v<T, float>) {
        if (hasAvx2Fma()) {
          backwardItemAvx2F(g, s, f, gs, gf, c, h, w);
          continue;
        }
      }
      if (hasAvx2Fma()) {
        backwardItemAvx2<T>(g, s, f, gs, gf, c, h, w);
      } else {
        backwardItem<T>(g, s, f, gs, gf, c, h, w);
      }
    }
  });
}

}  // namespace

torch::Tensor forwardCpu(const torch::Tensor& src, const torch::Tensor& flow) {
  TORCH_CHECK(src.size(2) * src.size(3) < (int64_t(1) << 31), "warp: image too large");
  auto out = torch::empty_like(src);
  const int64_t n = src.size(0), c = src.size(1), h = src.size(2), w = src.size(3);
  AT_DISPATCH_FLOATING_TYPES(src.scalar_type(), "warp_forward_cpu", [&] {
    forwardImpl<scalar_t>(src.data_ptr<scalar_t>(), flow.data_ptr<scalar_t>(),
                          out.data_ptr<scalar_t>(), n, c, h, w);
  });
  return out;
}

std::pair<torch::Tensor, torch::Tensor> backwardCpu(const torch::Tensor& grad_out,
                                                    const torch::Tensor& src,
                                                    const torch::Tensor& flow, bool need_src,
                                                    bool need_flow) {
  torch::Tensor gsrc = need_src ? torch::zeros_like(src) : torch::Tensor();
  torch::Tensor gflow = need_flow ? torch::empty_like(flow) : torch::Tensor();
  const int64_t n = src.size(0), c = src.size(1), h = src.size(2), w = src.size(3);
  AT_DISPATCH_FLOATING_TYPES(src.scalar_type(), "warp_backward_cpu", [&] {
    backwardImpl<scalar_t>(grad_out.data_ptr<scalar_t>(), src.data_ptr<scalar_t>(),
                           flow.data_ptr<scalar_t>(),
                           need_src ? gsrc.data_ptr<scalar_t>() : nullptr,
                           need_flow ? gflow.data_ptr<scalar_t>() : nullptr, n, c, h, w);
  });
  return {gsrc, gflow};
}

}  // namespace morphaeus::warp_kernels
