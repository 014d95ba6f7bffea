// AVX2 + FMA warp kernels (see warp_cpu_avx2.h). Compiled to nothing where the compiler does not
// target x86 or MORPHAEUS_PORTABLE_WARP is set.
#include "models/warp/warp_cpu_avx2.h"

#if MORPHAEUS_WARP_AVX2
#include <immintrin.h>

#include "models/warp/warp_cpu_rows.h"

namespace morphaeus::warp_kernels::cpu {
namespace {

// 1.0 where 0 <= v <= max, else 0.0.
__attribute__((target("avx2,fma"))) inline __m256 inside(__m256 v, __m256 max) {
  const __m256 zero = _mm256_setzero_ps();
  const __m256 ok =
      _mm256_and_ps(_mm256_cmp_ps(v, zero, _CMP_GE_OQ), _mm256_cmp_ps(v, max, _CMP_LE_OQ));
  return _mm256_and_ps(ok, _mm256_set1_ps(1.f));
}

__attribute__((target("avx2,fma"))) void computeTapsAvx2(const float* fy, const float* fx,
                                                         int64_t i, int64_t h, int64_t w,
                                                         RowTaps<float>& t) {
  const int64_t vec_end = (h > 1 && w > 1) ? w - w % 8 : 0;
  const __m256 one = _mm256_set1_ps(1.f), lo = _mm256_set1_ps(-2.f);
  const __m256 hd = _mm256_set1_ps(static_cast<float>(h - 1)),
               wd = _mm256_set1_ps(static_cast<float>(w - 1));
  const __m256 hiy = _mm256_set1_ps(static_cast<float>(h + 1)),
               hix = _mm256_set1_ps(static_cast<float>(w + 1));
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
    const __m256 y = warp_math::alignedCornersRoundTrip(ly, static_cast<float>(h - 1));
    const __m256 x = warp_math::alignedCornersRoundTrip(lx, static_cast<float>(w - 1));
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

}  // namespace

__attribute__((target("avx2,fma"))) void forwardRowsAvx2(const float* src, const float* flow,
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
      sampleRow(sp, t, o, j, w);
    }
  }
}

__attribute__((target("avx2,fma"))) void backwardItemAvx2(const float* gout, const float* src,
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
    const float* m = t.m.data();
    std::fill(gy.begin(), gy.end(), 0.f);
    std::fill(gx.begin(), gx.end(), 0.f);
    for (int64_t ch = 0; ch < c; ++ch) {
      const float* g = gout + ch * plane + i * w;
      if (gsrc != nullptr) {
        scatterRow(gsrc + ch * plane, t, g, w);
      }
      if (gflow == nullptr) continue;
      const float* sp = src + ch * plane;
      int64_t j = 0;
      for (; j + 8 <= w; j += 8) {
        const __m256 v00 = _mm256_mul_ps(gather(sp, idx + j), _mm256_loadu_ps(m + j));
        const __m256 v01 = _mm256_mul_ps(gather(sp, idx + w + j), _mm256_loadu_ps(m + w + j));
        const __m256 v10 =
            _mm256_mul_ps(gather(sp, idx + 2 * w + j), _mm256_loadu_ps(m + 2 * w + j));
        const __m256 v11 =
            _mm256_mul_ps(gather(sp, idx + 3 * w + j), _mm256_loadu_ps(m + 3 * w + j));
        const __m256 dy = _mm256_loadu_ps(t.dy.data() + j), dx = _mm256_loadu_ps(t.dx.data() + j);
        const __m256 gv = _mm256_loadu_ps(g + j);
        const __m256 sy =
            _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(v10, v00), _mm256_sub_ps(one, dx)),
                          _mm256_mul_ps(_mm256_sub_ps(v11, v01), dx));
        const __m256 sx =
            _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(v01, v00), _mm256_sub_ps(one, dy)),
                          _mm256_mul_ps(_mm256_sub_ps(v11, v10), dy));
        _mm256_storeu_ps(gy.data() + j,
                         _mm256_add_ps(_mm256_loadu_ps(gy.data() + j), _mm256_mul_ps(gv, sy)));
        _mm256_storeu_ps(gx.data() + j,
                         _mm256_add_ps(_mm256_loadu_ps(gx.data() + j), _mm256_mul_ps(gv, sx)));
      }
      flowGradRow(sp, t, g, gy.data(), gx.data(), j, w);
    }
    if (gflow != nullptr) {
      std::copy(gy.begin(), gy.end(), gflow + i * w);
      std::copy(gx.begin(), gx.end(), gflow + plane + i * w);
    }
  }
}

__attribute__((target("avx2,fma"))) void forwardRowsAvx2(const double* src, const double* flow,
                                                         double* out, int64_t c, int64_t h,
                                                         int64_t w, int64_t begin, int64_t end) {
  forwardRows<double>(src, flow, out, c, h, w, begin, end);
}

__attribute__((target("avx2,fma"))) void backwardItemAvx2(const double* gout, const double* src,
                                                          const double* flow, double* gsrc,
                                                          double* gflow, int64_t c, int64_t h,
                                                          int64_t w) {
  backwardItem<double>(gout, src, flow, gsrc, gflow, c, h, w);
}

bool hasAvx2Fma() {
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
}

}  // namespace morphaeus::warp_kernels::cpu
#endif
