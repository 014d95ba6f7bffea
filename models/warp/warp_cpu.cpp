// CPU kernels of the native warp: positions straight from the flow, parallel over batch rows.
#include <ATen/Parallel.h>

#include <cmath>

#include "models/warp/warp_kernels.h"
#include "models/warp/warp_math.h"

namespace morphaeus::warp_kernels {
namespace {

using warp_math::Bilinear;
using warp_math::sourceCoord;

// Rows [begin, end) of the forward pass. The interpolation is a chain of fused multiply-adds,
// exactly as LibTorch's AVX2 grid_sample kernel computes it, so both paths agree to the bit.
template <typename T>
__attribute__((always_inline)) inline void forwardRows(const T* src, const T* flow, T* out,
                                                       int64_t c, int64_t h, int64_t w,
                                                       int64_t begin, int64_t end) {
  const int64_t plane = h * w;
  for (int64_t row = begin; row < end; ++row) {
    const int64_t b = row / h, i = row % h;
    const T* fy = flow + (b * 2) * plane + i * w;
    const T* fx = fy + plane;
    const T* s = src + b * c * plane;
    T* o = out + b * c * plane + i * w;
    for (int64_t j = 0; j < w; ++j) {
      const Bilinear<T> bl(sourceCoord<T>(i, fy[j], h), sourceCoord<T>(j, fx[j], w), h, w);
      const T nw = (1 - bl.dy) * (1 - bl.dx), ne = (1 - bl.dy) * bl.dx;
      const T sw = bl.dy * (1 - bl.dx), se = bl.dy * bl.dx;
      const int64_t base = bl.y0 * w + bl.x0;
      for (int64_t ch = 0; ch < c; ++ch) {
        const T* sp = s + ch * plane;
        T v = (bl.in_y0 && bl.in_x0) ? sp[base] * nw : T(0);
        if (bl.in_y0 && bl.in_x1) v = std::fma(sp[base + 1], ne, v);
        if (bl.in_y1 && bl.in_x0) v = std::fma(sp[base + w], sw, v);
        if (bl.in_y1 && bl.in_x1) v = std::fma(sp[base + w + 1], se, v);
        o[ch * plane + j] = v;
      }
    }
  }
}

// With hardware FMA the std::fma calls above become single instructions.
template <typename T>
__attribute__((target("fma"))) void forwardRowsFma(const T* src, const T* flow, T* out, int64_t c,
                                                   int64_t h, int64_t w, int64_t begin, int64_t end) {
  forwardRows<T>(src, flow, out, c, h, w, begin, end);
}

template <typename T>
void forwardImpl(const T* src, const T* flow, T* out, int64_t n, int64_t c, int64_t h, int64_t w) {
  static const bool hw_fma = __builtin_cpu_supports("fma");
  at::parallel_for(0, n * h, 4, [&](int64_t begin, int64_t end) {
    if (hw_fma) {
      forwardRowsFma<T>(src, flow, out, c, h, w, begin, end);
    } else {
      forwardRows<T>(src, flow, out, c, h, w, begin, end);
    }
  });
}

// One pass per batch item: grad_src is a scatter, so items (not rows) are the unit of parallelism.
template <typename T>
void backwardImpl(const T* gout, const T* src, const T* flow, T* gsrc, T* gflow, int64_t n,
                  int64_t c, int64_t h, int64_t w) {
  const int64_t plane = h * w;
  at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      const T* fy = flow + b * 2 * plane;
      const T* fx = fy + plane;
      const T* s = src + b * c * plane;
      const T* g = gout + b * c * plane;
      T* gs = gsrc ? gsrc + b * c * plane : nullptr;
      T* gfy = gflow ? gflow + b * 2 * plane : nullptr;
      for (int64_t i = 0; i < h; ++i) {
        for (int64_t j = 0; j < w; ++j) {
          const int64_t p = i * w + j;
          const Bilinear<T> bl(sourceCoord<T>(i, fy[p], h), sourceCoord<T>(j, fx[p], w), h, w);
          if (!bl.any()) continue;
          const bool a = bl.in_y0 && bl.in_x0, bb = bl.in_y0 && bl.in_x1;
          const bool cc = bl.in_y1 && bl.in_x0, d = bl.in_y1 && bl.in_x1;
          const int64_t base = bl.y0 * w + bl.x0;
          T dy_sum = 0, dx_sum = 0;
          for (int64_t ch = 0; ch < c; ++ch) {
            const T go = g[ch * plane + p];
            if (gs) {
              T* gp = gs + ch * plane;
              if (a) gp[base] += (1 - bl.dx) * (1 - bl.dy) * go;
              if (bb) gp[base + 1] += bl.dx * (1 - bl.dy) * go;
              if (cc) gp[base + w] += (1 - bl.dx) * bl.dy * go;
              if (d) gp[base + w + 1] += bl.dx * bl.dy * go;
            }
            if (gfy) {
              const T* sp = s + ch * plane;
              const T v00 = a ? sp[base] : T(0), v01 = bb ? sp[base + 1] : T(0);
              const T v10 = cc ? sp[base + w] : T(0), v11 = d ? sp[base + w + 1] : T(0);
              dy_sum += go * ((v10 - v00) * (1 - bl.dx) + (v11 - v01) * bl.dx);
              dx_sum += go * ((v01 - v00) * (1 - bl.dy) + (v11 - v10) * bl.dy);
            }
          }
          if (gfy) {
            gfy[p] = dy_sum;
            gfy[plane + p] = dx_sum;
          }
        }
      }
    }
  });
}

}  // namespace

torch::Tensor forwardCpu(const torch::Tensor& src, const torch::Tensor& flow) {
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
  torch::Tensor gflow = need_flow ? torch::zeros_like(flow) : torch::Tensor();
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
