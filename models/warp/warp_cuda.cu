// CUDA kernels of the native warp: one thread per output pixel, positions from the flow
// directly, channels looped inside the thread; grad_src accumulated with atomicAdd.
#include "models/warp/warp_cuda.h"
#include "models/warp/warp_math.h"

namespace morphaeus::warp_cuda {
namespace {

using warp_math::Bilinear;
using warp_math::sourceCoord;

constexpr int kThreads = 256;

template <typename T>
__global__ void forwardKernel(const T* __restrict__ src, const T* __restrict__ flow,
                              T* __restrict__ out, int64_t n, int64_t c, int64_t h, int64_t w) {
  const int64_t plane = h * w;
  const int64_t total = n * plane;
  for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < total;
       idx += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t b = idx / plane, p = idx % plane, i = p / w, j = p % w;
    const T* fy = flow + b * 2 * plane;
    const Bilinear<T> bl(sourceCoord<T>(i, fy[p], h), sourceCoord<T>(j, fy[plane + p], w), h, w);
    const T nw = (1 - bl.dy) * (1 - bl.dx), ne = (1 - bl.dy) * bl.dx;
    const T sw = bl.dy * (1 - bl.dx), se = bl.dy * bl.dx;
    const int64_t base = bl.y0 * w + bl.x0;
    const T* s = src + b * c * plane;
    T* o = out + b * c * plane + p;
    for (int64_t ch = 0; ch < c; ++ch) {
      const T* sp = s + ch * plane;
      T v = (bl.in_y0 && bl.in_x0) ? sp[base] * nw : T(0);
      if (bl.in_y0 && bl.in_x1) v = fma(sp[base + 1], ne, v);
      if (bl.in_y1 && bl.in_x0) v = fma(sp[base + w], sw, v);
      if (bl.in_y1 && bl.in_x1) v = fma(sp[base + w + 1], se, v);
      o[ch * plane] = v;
    }
  }
}

template <typename T>
__global__ void backwardKernel(const T* __restrict__ gout, const T* __restrict__ src,
                               const T* __restrict__ flow, T* gsrc, T* __restrict__ gflow,
                               int64_t n, int64_t c, int64_t h, int64_t w) {
  const int64_t plane = h * w;
  const int64_t total = n * plane;
  for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < total;
       idx += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t b = idx / plane, p = idx % plane, i = p / w, j = p % w;
    const T* fy = flow + b * 2 * plane;
    const Bilinear<T> bl(sourceCoord<T>(i, fy[p], h), sourceCoord<T>(j, fy[plane + p], w), h, w);
    T dy_sum = 0, dx_sum = 0;
    if (bl.any()) {
      const bool a = bl.in_y0 && bl.in_x0, bb = bl.in_y0 && bl.in_x1;
      const bool cc = bl.in_y1 && bl.in_x0, d = bl.in_y1 && bl.in_x1;
      const int64_t base = bl.y0 * w + bl.x0;
      for (int64_t ch = 0; ch < c; ++ch) {
        const T go = gout[(b * c + ch) * plane + p];
        if (gsrc != nullptr) {
          T* gp = gsrc + (b * c + ch) * plane;
          if (a) atomicAdd(gp + base, (1 - bl.dx) * (1 - bl.dy) * go);
          if (bb) atomicAdd(gp + base + 1, bl.dx * (1 - bl.dy) * go);
          if (cc) atomicAdd(gp + base + w, (1 - bl.dx) * bl.dy * go);
          if (d) atomicAdd(gp + base + w + 1, bl.dx * bl.dy * go);
        }
        if (gflow != nullptr) {
          const T* sp = src + (b * c + ch) * plane;
          const T v00 = a ? sp[base] : T(0), v01 = bb ? sp[base + 1] : T(0);
          const T v10 = cc ? sp[base + w] : T(0), v11 = d ? sp[base + w + 1] : T(0);
          dy_sum += go * ((v10 - v00) * (1 - bl.dx) + (v11 - v01) * bl.dx);
          dx_sum += go * ((v01 - v00) * (1 - bl.dy) + (v11 - v10) * bl.dy);
        }
      }
    }
    if (gflow != nullptr) {
      gflow[b * 2 * plane + p] = dy_sum;
      gflow[b * 2 * plane + plane + p] = dx_sum;
    }
  }
}

unsigned blocksFor(int64_t total) {
  const int64_t blocks = (total + kThreads - 1) / kThreads;
  return static_cast<unsigned>(blocks < 65535 * 32 ? (blocks > 0 ? blocks : 1) : 65535 * 32);
}

}  // namespace

template <typename T>
cudaError_t launchForward(const T* src, const T* flow, T* out, int64_t n, int64_t c, int64_t h,
                          int64_t w, cudaStream_t stream) {
  forwardKernel<T><<<blocksFor(n * h * w), kThreads, 0, stream>>>(src, flow, out, n, c, h, w);
  return cudaGetLastError();
}

template <typename T>
cudaError_t launchBackward(const T* gout, const T* src, const T* flow, T* gsrc, T* gflow,
                           int64_t n, int64_t c, int64_t h, int64_t w, cudaStream_t stream) {
  backwardKernel<T><<<blocksFor(n * h * w), kThreads, 0, stream>>>(gout, src, flow, gsrc, gflow, n,
                                                                   c, h, w);
  return cudaGetLastError();
}

template cudaError_t launchForward<float>(const float*, const float*, float*, int64_t, int64_t,
                                          int64_t, int64_t, cudaStream_t);
template cudaError_t launchForward<double>(const double*, const double*, double*, int64_t, int64_t,
                                           int64_t, int64_t, cudaStream_t);
template cudaError_t launchBackward<float>(const float*, const float*, const float*, float*, float*,
                                           int64_t, int64_t, int64_t, int64_t, cudaStream_t);
template cudaError_t launchBackward<double>(const double*, const double*, const double*, double*,
                                            double*, int64_t, int64_t, int64_t, int64_t,
                                            cudaStream_t);

}  // namespace morphaeus::warp_cuda
