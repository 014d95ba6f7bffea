#include "models/batch_norm_swish.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/base/cpu_kernels.h"
#include "models/batch_norm.h"

namespace morphaeus {
namespace {

// Everything below is inlined into both range kernels (MORPHAEUS_ALWAYS_INLINE), so that each is
// compiled for its target.

// ---- element kernels: 8 lanes in GCC/Clang vector types (AVX2 registers where compiled for
// them, two SSE/NEON registers elsewhere) ----

typedef float vf __attribute__((vector_size(32)));
typedef std::int32_t vi __attribute__((vector_size(32)));
typedef std::uint32_t vu __attribute__((vector_size(32)));
typedef std::uint16_t vh __attribute__((vector_size(16)));
constexpr int64_t kW = 8;

MORPHAEUS_ALWAYS_INLINE vf splat(float v) {
  return vf{} + v;
}
MORPHAEUS_ALWAYS_INLINE vu splatu(std::uint32_t v) {
  return vu{} + v;
}

// exp(x) for the sigmoid: Cody-Waite reduction and Cephes' degree-6 polynomial (about 1 ulp);
// x clamped to [-87, 88] (where the sigmoid is 0 or 1 in float32 anyway).
MORPHAEUS_ALWAYS_INLINE vf vexp(vf x) {
  x = x < -87.0f ? splat(-87.0f) : x;
  x = x > 88.0f ? splat(88.0f) : x;
  const vf shifted = x * 1.44269504088896341f + 12582912.0f;  // round(x / ln 2) + 1.5 * 2^23
  const vf k = shifted - 12582912.0f;
  const vi ki = (vi)shifted - (vi)splat(12582912.0f);
  const vf f = (x - k * 0.693359375f) - k * -2.12194440e-4f;
  vf p = splat(1.9875691500e-4f);
  p = p * f + 1.3981999507e-3f;
  p = p * f + 8.3334519073e-3f;
  p = p * f + 4.1665795894e-2f;
  p = p * f + 1.6666665459e-1f;
  p = p * f + 5.0000001201e-1f;
  const vf y = p * f * f + f + 1.0f;
  return y * (vf)((ki + 127) << 23);
}

MORPHAEUS_ALWAYS_INLINE vf vsigmoid(vf z) {
  return 1.0f / (1.0f + vexp(-z));
}

// Storage: float32 as is, bfloat16 as its upper 16 bits (round to nearest even, NaN kept).
// `n` < kW: a partial vector at the end of a row (the lanes beyond it read as 0).
template <typename T>
struct Io;
template <>
struct Io<float> {
  MORPHAEUS_ALWAYS_INLINE static vf load(const float* p, int64_t n = kW) {
    vf v{};
    std::memcpy(&v, p, static_cast<std::size_t>(n) * sizeof(float));
    return v;
  }
  MORPHAEUS_ALWAYS_INLINE static void store(float* p, vf v, int64_t n = kW) {
    std::memcpy(p, &v, static_cast<std::size_t>(n) * sizeof(float));
  }
};
template <>
struct Io<std::uint16_t> {
  MORPHAEUS_ALWAYS_INLINE static vf load(const std::uint16_t* p, int64_t n = kW) {
    vh h{};
    std::memcpy(&h, p, static_cast<std::size_t>(n) * sizeof(std::uint16_t));
    return (vf)(__builtin_convertvector(h, vu) << 16);
  }
  MORPHAEUS_ALWAYS_INLINE static void store(std::uint16_t* p, vf v, int64_t n = kW) {
    const vu u = (vu)v;
    vu r = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
    r = v != v ? splatu(0x7fc0u) : r;
    const vh h = __builtin_convertvector(r, vh);
    std::memcpy(p, &h, static_cast<std::size_t>(n) * sizeof(std::uint16_t));
  }
};

// Per channel, padded with zeros to a multiple of kW.
struct Channels {
  const float* scale;  // weight / sqrt(var + eps)
  const float* shift;  // bias - mean * scale
  const float* mean;
  int64_t count;
};

// The tensor as rows: channels_last [N*H*W rows of C channels], or NCHW [N*C rows of H*W].
struct Rows {
  bool channels_last;
  int64_t rows, width;
};

MORPHAEUS_ALWAYS_INLINE vf swishOf(vf z) {
  return z * vsigmoid(z);
}
MORPHAEUS_ALWAYS_INLINE vf swishGrad(vf z, vf g) {
  const vf s = vsigmoid(z);
  return g * s * (1.0f + z * (1.0f - s));
}

// Calls f(i, n) for i = 0, kW, 2 kW, ... < w with n = kW (a constant: full-vector loads and
// stores) and once for the partial vector at the end.
template <typename F>
MORPHAEUS_ALWAYS_INLINE void forEachVector(int64_t w, F&& f) {
  int64_t i = 0;
  for (; i + kW <= w; i += kW) f(i, kW);
  if (i < w) f(i, w - i);
}

template <typename T>
MORPHAEUS_ALWAYS_INLINE void forwardRow(const Channels& ch, const Rows& shape, const T* x, T* y,
                                        int64_t r) {
  const T* xr = x + r * shape.width;
  T* yr = y + r * shape.width;
  if (shape.channels_last) {
    forEachVector(shape.width, [&](int64_t c, int64_t n) {
      const vf z =
          Io<T>::load(xr + c, n) * Io<float>::load(ch.scale + c) + Io<float>::load(ch.shift + c);
      Io<T>::store(yr + c, swishOf(z), n);
    });
  } else {
    const int64_t c = r % ch.count;
    const vf scale = splat(ch.scale[c]), shift = splat(ch.shift[c]);
    forEachVector(shape.width, [&](int64_t i, int64_t n) {
      Io<T>::store(yr + i, swishOf(Io<T>::load(xr + i, n) * scale + shift), n);
    });
  }
}

// dx of one row; the row's channel sums go to dz_sum/dw_sum (channels_last: per channel, added
// to, padded width; NCHW: one value each, written). Lanes beyond a row's end have dy = 0.
template <typename T>
MORPHAEUS_ALWAYS_INLINE void backwardRow(const Channels& ch, const Rows& shape, const T* x,
                                         const T* dy, T* dx, int64_t r, float* dz_sum,
                                         float* dw_sum) {
  const int64_t off = r * shape.width;
  if (shape.channels_last) {
    forEachVector(shape.width, [&](int64_t c, int64_t n) {
      const vf xv = Io<T>::load(x + off + c, n), scale = Io<float>::load(ch.scale + c);
      const vf dz =
          swishGrad(xv * scale + Io<float>::load(ch.shift + c), Io<T>::load(dy + off + c, n));
      Io<T>::store(dx + off + c, dz * scale, n);
      Io<float>::store(dz_sum + c, Io<float>::load(dz_sum + c) + dz);
      Io<float>::store(dw_sum + c,
                       Io<float>::load(dw_sum + c) + dz * (xv - Io<float>::load(ch.mean + c)));
    });
    return;
  }
  const int64_t c = r % ch.count;
  const vf scale = splat(ch.scale[c]), shift = splat(ch.shift[c]), mean = splat(ch.mean[c]);
  vf a{}, b{};  // 8 partial sums: the same order on every machine and thread count
  forEachVector(shape.width, [&](int64_t i, int64_t n) {
    const vf xv = Io<T>::load(x + off + i, n);
    const vf dz = swishGrad(xv * scale + shift, Io<T>::load(dy + off + i, n));
    Io<T>::store(dx + off + i, dz * scale, n);
    a += dz;
    b += dz * (xv - mean);  // dz = 0 in the lanes beyond the row
  });
  float sa = 0, sb = 0;
  for (int l = 0; l < kW; ++l) sa += a[l], sb += b[l];
  *dz_sum = sa;
  *dw_sum = sb;
}

// Range kernels, compiled twice on x86-64 (portable and AVX2+FMA) like the other CPU kernels.
struct Args {
  Channels ch;
  Rows shape;
  const void* x;
  const void* dy;
  void* out;  // y (forward) or dx (backward)
  float* dz_sum;
  float* dw_sum;
  int64_t chunk_rows;  // channels_last: rows per partial-sum chunk
  int64_t padded;      // channels_last: the partial sums' row length
  bool bf16;
};

template <typename T>
MORPHAEUS_ALWAYS_INLINE void forwardRangeT(const Args& a, int64_t r0, int64_t r1) {
  for (int64_t r = r0; r < r1; ++r)
    forwardRow(a.ch, a.shape, static_cast<const T*>(a.x), static_cast<T*>(a.out), r);
}

// channels_last: [r0, r1) is whole chunks; chunk k adds into row k of dz_sum/dw_sum.
template <typename T>
MORPHAEUS_ALWAYS_INLINE void backwardRangeT(const Args& a, int64_t r0, int64_t r1) {
  const auto* x = static_cast<const T*>(a.x);
  const auto* dy = static_cast<const T*>(a.dy);
  auto* dx = static_cast<T*>(a.out);
  for (int64_t r = r0; r < r1; ++r) {
    if (a.shape.channels_last) {
      const int64_t k = r / a.chunk_rows;
      backwardRow(a.ch, a.shape, x, dy, dx, r, a.dz_sum + k * a.padded, a.dw_sum + k * a.padded);
    } else {
      backwardRow(a.ch, a.shape, x, dy, dx, r, a.dz_sum + r, a.dw_sum + r);
    }
  }
}

void forwardPortable(const Args& a, int64_t r0, int64_t r1) {
  a.bf16 ? forwardRangeT<std::uint16_t>(a, r0, r1) : forwardRangeT<float>(a, r0, r1);
}
void backwardPortable(const Args& a, int64_t r0, int64_t r1) {
  a.bf16 ? backwardRangeT<std::uint16_t>(a, r0, r1) : backwardRangeT<float>(a, r0, r1);
}
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,fma"))) void forwardAvx2(const Args& a, int64_t r0, int64_t r1) {
  a.bf16 ? forwardRangeT<std::uint16_t>(a, r0, r1) : forwardRangeT<float>(a, r0, r1);
}
__attribute__((target("avx2,fma"))) void backwardAvx2(const Args& a, int64_t r0, int64_t r1) {
  a.bf16 ? backwardRangeT<std::uint16_t>(a, r0, r1) : backwardRangeT<float>(a, r0, r1);
}
#endif

using RangeKernel = void (*)(const Args&, int64_t, int64_t);
RangeKernel forwardKernel() {
#if defined(__x86_64__) && defined(__GNUC__)
  if (useAvx2FmaKernels()) return &forwardAvx2;
#endif
  return &forwardPortable;
}
RangeKernel backwardKernel() {
#if defined(__x86_64__) && defined(__GNUC__)
  if (useAvx2FmaKernels()) return &backwardAvx2;
#endif
  return &backwardPortable;
}

// ---- the autograd function ----

bool isChannelsLast(const torch::Tensor& x) {
  return !x.is_contiguous() && x.is_contiguous(at::MemoryFormat::ChannelsLast);
}

Rows rowsOf(const torch::Tensor& x) {
  const int64_t n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3);
  return isChannelsLast(x) ? Rows{true, n * hw, c} : Rows{false, n * c, hw};
}

int64_t paddedCount(int64_t c) {
  return (c + kW - 1) / kW * kW;
}

// A per-channel float vector padded with zeros to a multiple of kW (full-vector loads).
torch::Tensor padded(const torch::Tensor& v) {
  auto out = torch::zeros({paddedCount(v.numel())}, torch::kFloat);
  out.narrow(0, 0, v.numel()).copy_(v);
  return out;
}

Args argsOf(const torch::Tensor& x, const torch::Tensor& scale, const torch::Tensor& shift,
            const torch::Tensor& mean) {
  Args a{};
  a.ch = {scale.data_ptr<float>(), shift.data_ptr<float>(), mean.data_ptr<float>(), x.size(1)};
  a.shape = rowsOf(x);
  a.x = x.data_ptr();
  a.bf16 = x.scalar_type() == torch::kBFloat16;
  a.padded = paddedCount(x.size(1));
  return a;
}

struct BatchNormSwishFunction : public torch::autograd::Function<BatchNormSwishFunction> {
  // weight, bias: the module's parameters (gradients); mean, var: its running statistics.
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& weight, const torch::Tensor& bias,
                               const torch::Tensor& mean, const torch::Tensor& var, double eps) {
    const auto inv_std = (var.to(torch::kFloat) + eps).rsqrt();
    const auto scale_c = weight.to(torch::kFloat) * inv_std;
    const auto scale = padded(scale_c);
    const auto shift = padded(bias.to(torch::kFloat) - mean.to(torch::kFloat) * scale_c);
    const auto mean32 = padded(mean.to(torch::kFloat));
    auto y = torch::empty_like(x);
    Args a = argsOf(x, scale, shift, mean32);
    a.out = y.data_ptr();
    const RangeKernel k = forwardKernel();
    const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, a.shape.width));
    at::parallel_for(0, a.shape.rows, grain, [&](int64_t r0, int64_t r1) { k(a, r0, r1); });
    ctx->save_for_backward({x, scale, shift, mean32, inv_std});
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor &x = saved[0], &scale = saved[1], &shift = saved[2], &mean = saved[3],
                        &inv_std = saved[4];
    const torch::Tensor dy = grads[0].to(x.scalar_type()).contiguous(x.suggest_memory_format());
    auto dx = torch::empty_like(x);
    Args a = argsOf(x, scale, shift, mean);
    a.dy = dy.data_ptr();
    a.out = dx.data_ptr();
    const int64_t c = a.ch.count;
    torch::Tensor dz_part, dw_part;  // partial sums, reduced below in a fixed order
    if (a.shape.channels_last) {
      a.chunk_rows = 64;
      const int64_t chunks = (a.shape.rows + a.chunk_rows - 1) / a.chunk_rows;
      dz_part = torch::zeros({chunks, a.padded}, torch::kFloat);
      dw_part = torch::zeros({chunks, a.padded}, torch::kFloat);
      a.dz_sum = dz_part.data_ptr<float>();
      a.dw_sum = dw_part.data_ptr<float>();
      const RangeKernel k = backwardKernel();
      at::parallel_for(0, chunks, 1, [&](int64_t k0, int64_t k1) {
        k(a, k0 * a.chunk_rows, std::min(a.shape.rows, k1 * a.chunk_rows));
      });
    } else {
      dz_part = torch::empty({a.shape.rows / c, c}, torch::kFloat);  // [N, C]
      dw_part = torch::empty({a.shape.rows / c, c}, torch::kFloat);
      a.dz_sum = dz_part.data_ptr<float>();
      a.dw_sum = dw_part.data_ptr<float>();
      const RangeKernel k = backwardKernel();
      const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, a.shape.width));
      at::parallel_for(0, a.shape.rows, grain, [&](int64_t r0, int64_t r1) { k(a, r0, r1); });
    }
    dz_part = dz_part.narrow(1, 0, c);
    dw_part = dw_part.narrow(1, 0, c);
    const auto dbias = dz_part.to(torch::kDouble).sum(0).to(torch::kFloat);
    const auto dweight =
        (dw_part.to(torch::kDouble).sum(0) * inv_std.to(torch::kDouble)).to(torch::kFloat);
    return {dx, dweight, dbias, torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

bool fusedBatchNormSwishApplies(const torch::nn::BatchNorm2dImpl& norm, const Activation& act,
                                const torch::Tensor& x) {
  const auto& o = norm.options;
  return act.kind == ActivationKind::Swish && !norm.is_training() && o.track_running_stats() &&
         o.affine() && !batchNormOverridden() && x.device().is_cpu() && x.dim() == 4 &&
         (x.scalar_type() == torch::kFloat || x.scalar_type() == torch::kBFloat16) &&
         (x.is_contiguous() || x.is_contiguous(at::MemoryFormat::ChannelsLast)) &&
         norm.weight.scalar_type() == torch::kFloat && norm.bias.scalar_type() == torch::kFloat &&
         norm.running_mean.scalar_type() == torch::kFloat && x.size(1) == norm.weight.size(0) &&
         x.numel() > 0;
}

torch::Tensor normThenActivate(torch::nn::BatchNorm2dImpl* norm, const Activation& act,
                               const torch::Tensor& x) {
  if (norm == nullptr) return act(x);
  if (!fusedBatchNormSwishApplies(*norm, act, x)) return act(batchNorm(*norm, x));
  return BatchNormSwishFunction::apply(x, norm->weight, norm->bias, norm->running_mean,
                                       norm->running_var, norm->options.eps());
}

}  // namespace morphaeus
