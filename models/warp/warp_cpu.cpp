// CPU kernels of the native warp: the portable loops of warp_cpu_rows.h, or the AVX2 + FMA kernels
// of warp_cpu_avx2.cpp where the build targets x86 and the CPU has them (checked at run time).
// Parallel over image rows (forward) and batch items (backward: grad_src is a scatter).
#include <ATen/Parallel.h>

#include "models/warp/warp.h"
#include "models/warp/warp_cpu_avx2.h"
#include "models/warp/warp_cpu_rows.h"
#include "models/warp/warp_kernels.h"

namespace morphaeus {

const char* warpCpuKernel() {
#if MORPHAEUS_WARP_AVX2
  if (warp_kernels::cpu::hasAvx2Fma()) return "avx2";
#endif
  return "portable";
}

namespace warp_kernels {
namespace {

template <typename T>
void forwardImpl(const T* src, const T* flow, T* out, int64_t n, int64_t c, int64_t h, int64_t w) {
  at::parallel_for(0, n * h, 8, [&](int64_t begin, int64_t end) {
#if MORPHAEUS_WARP_AVX2
    if (cpu::hasAvx2Fma()) return cpu::forwardRowsAvx2(src, flow, out, c, h, w, begin, end);
#endif
    cpu::forwardRows<T>(src, flow, out, c, h, w, begin, end);
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
#if MORPHAEUS_WARP_AVX2
      if (cpu::hasAvx2Fma()) {
        cpu::backwardItemAvx2(g, s, f, gs, gf, c, h, w);
        continue;
      }
#endif
      cpu::backwardItem<T>(g, s, f, gs, gf, c, h, w);
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

}  // namespace warp_kernels
}  // namespace morphaeus
