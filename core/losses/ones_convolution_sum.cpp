#include "core/losses/ones_convolution_sum.h"

#include <ATen/Parallel.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "core/base/cpu_kernels.h"
#include "core/base/mixed_precision.h"

namespace morphaeus {
namespace {

// Rows of the output handed to one task at a time (a row is k * k * C passes over W floats).
constexpr int64_t kRowsPerTask = 8;

struct Planes {
  const float* in;  // forward: x [N, C, H, W]; backward: the output gradient [N, 1, H, W]
  float* out;       // forward: [N, 1, H, W]; backward: the input gradient [N, C, H, W]
  int64_t n, c, h, w, k;
};

// acc[x] += src[x] over [x0, x1): each pixel's own running sum, one add at a time.
MORPHAEUS_ALWAYS_INLINE void addInto(float* acc, const float* src, int64_t x0, int64_t x1) {
  for (int64_t x = x0; x < x1; ++x) acc[x] += src[x];
}

// Adds to acc[0, w) the taps (ky, kx) of a k x k window in row-major order, tap (ky, kx) reading
// row y + sign * (ky - pad) and columns x + sign * (kx - pad) of each of `channels` planes in turn
// (sign 1: the convolution's forward order; -1: its input gradient's), one running float32 sum per
// pixel; taps outside the image add nothing (the convolution's zero padding adds +0, which changes
// no sum).
MORPHAEUS_ALWAYS_INLINE void addTaps(float* acc, const float* planes, int64_t channels, int64_t y,
                                     int64_t h, int64_t w, int64_t k, int64_t sign) {
  const int64_t pad = k / 2;
  for (int64_t ky = 0; ky < k; ++ky) {
    const int64_t iy = y + sign * (ky - pad);
    if (iy < 0 || iy >= h) continue;
    for (int64_t kx = 0; kx < k; ++kx) {
      const int64_t dx = sign * (kx - pad);
      const int64_t x0 = std::max<int64_t>(0, -dx), x1 = std::min<int64_t>(w, w - dx);
      for (int64_t ch = 0; ch < channels; ++ch)
        addInto(acc, planes + (ch * h + iy) * w + dx, x0, x1);
    }
  }
}

// Output rows [r0, r1) (row = b * h + y): out[b][0][y][x] = the sum of in[b][c][y + ky - pad]
// [x + kx - pad] over (ky, kx, c) in row-major order.
MORPHAEUS_ALWAYS_INLINE void forwardRows(const Planes& p, int64_t r0, int64_t r1) {
  for (int64_t row = r0; row < r1; ++row) {
    const int64_t b = row / p.h, y = row % p.h;
    float* acc = p.out + row * p.w;
    std::fill(acc, acc + p.w, 0.0f);
    addTaps(acc, p.in + b * p.c * p.h * p.w, p.c, y, p.h, p.w, p.k, 1);
  }
}

// The input gradient's rows [r0, r1): grad_in[b][c][y][x] = the sum of g[b][0][y + pad - ky]
// [x + pad - kx] over (ky, kx) in row-major order (the forward's taps in reverse), the same for
// every channel. `acc` holds one row.
MORPHAEUS_ALWAYS_INLINE void backwardRows(const Planes& p, int64_t r0, int64_t r1, float* acc) {
  for (int64_t row = r0; row < r1; ++row) {
    const int64_t b = row / p.h, y = row % p.h;
    std::fill(acc, acc + p.w, 0.0f);
    addTaps(acc, p.in + b * p.h * p.w, 1, y, p.h, p.w, p.k, -1);
    for (int64_t ch = 0; ch < p.c; ++ch)
      std::copy(acc, acc + p.w, p.out + ((b * p.c + ch) * p.h + y) * p.w);
  }
}

void forwardPortable(const Planes& p, int64_t r0, int64_t r1) {
  forwardRows(p, r0, r1);
}
void backwardPortable(const Planes& p, int64_t r0, int64_t r1, float* acc) {
  backwardRows(p, r0, r1, acc);
}
#if defined(__x86_64__) && defined(__GNUC__)
// The same adds in 8-lane registers (no FMA: nothing is multiplied, so nothing rounds otherwise).
__attribute__((target("avx2"))) void forwardAvx2(const Planes& p, int64_t r0, int64_t r1) {
  forwardRows(p, r0, r1);
}
__attribute__((target("avx2"))) void backwardAvx2(const Planes& p, int64_t r0, int64_t r1,
                                                  float* acc) {
  backwardRows(p, r0, r1, acc);
}
#endif

void forwardSums(const Planes& p) {
  auto rows = &forwardPortable;
#if defined(__x86_64__) && defined(__GNUC__)
  if (useAvx2FmaKernels()) rows = &forwardAvx2;
#endif
  at::parallel_for(0, p.n * p.h, kRowsPerTask,
                   [&](int64_t begin, int64_t end) { rows(p, begin, end); });
}

void backwardSums(const Planes& p) {
  auto rows = &backwardPortable;
#if defined(__x86_64__) && defined(__GNUC__)
  if (useAvx2FmaKernels()) rows = &backwardAvx2;
#endif
  at::parallel_for(0, p.n * p.h, kRowsPerTask, [&](int64_t begin, int64_t end) {
    std::vector<float> acc(static_cast<std::size_t>(p.w));
    rows(p, begin, end, acc.data());
  });
}

torch::Tensor backwardKernel(const torch::Tensor& grad_out, int64_t channels, int64_t window) {
  const torch::Tensor g = grad_out.contiguous();
  torch::Tensor grad_in = torch::empty({g.size(0), channels, g.size(2), g.size(3)}, g.options());
  backwardSums({g.data_ptr<float>(), grad_in.data_ptr<float>(), g.size(0), channels, g.size(2),
                g.size(3), window});
  return grad_in;
}

struct OnesConvolutionSumFunction : public torch::autograd::Function<OnesConvolutionSumFunction> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               int64_t window) {
    ctx->saved_data["channels"] = x.size(1);
    ctx->saved_data["window"] = window;
    return onesConvolutionSumKernel(x, window);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    return {backwardKernel(grads[0], ctx->saved_data["channels"].toInt(),
                           ctx->saved_data["window"].toInt()),
            torch::Tensor()};
  }
};

torch::Tensor convolution(const torch::Tensor& x, int64_t window) {
  const auto ones = torch::ones({1, x.size(1), window, window}, x.options());
  return torch::conv2d(x, ones, /*bias=*/{}, /*stride=*/1, /*padding=*/window / 2);
}

// Deterministic probe values with varied mantissas (no random generator: drawing from the global
// one would move the training's random stream).
torch::Tensor probeValues(c10::IntArrayRef shape, double step, double scale, double shift) {
  int64_t numel = 1;
  for (int64_t s : shape) numel *= s;
  const auto i = torch::arange(numel, torch::TensorOptions().dtype(torch::kDouble));
  return ((i * step).frac() * scale + shift).to(torch::kFloat).reshape(shape);
}

bool kernelEqualsConvolution(c10::IntArrayRef shape, int64_t window) {
  const AutocastOff full_precision(c10::DeviceType::CPU);
  const torch::AutoGradMode grad_mode(true);
  const torch::Tensor base = probeValues(shape, 0.6180339887, 3.0, 0.25).square();
  const std::vector<int64_t> out_shape{shape[0], 1, shape[2], shape[3]};
  const torch::Tensor grad_out = probeValues(out_shape, 0.7548776662, 2.0, -1.0);
  torch::Tensor x_ours = base.clone().requires_grad_(true);
  torch::Tensor x_conv = base.clone().requires_grad_(true);
  const torch::Tensor ours = OnesConvolutionSumFunction::apply(x_ours, window);
  const torch::Tensor conv = convolution(x_conv, window);
  const auto grad_ours = torch::autograd::grad({ours}, {x_ours}, {grad_out})[0];
  const auto grad_conv = torch::autograd::grad({conv}, {x_conv}, {grad_out})[0];
  return torch::equal(ours, conv) && torch::equal(grad_ours, grad_conv);
}

}  // namespace

torch::Tensor onesConvolutionSumKernel(const torch::Tensor& x_in, int64_t window) {
  TORCH_CHECK(x_in.dim() == 4 && window % 2 == 1 && window > 0,
              "onesConvolutionSum: expected [N, C, H, W] and an odd window");
  TORCH_CHECK(x_in.device().is_cpu() && x_in.scalar_type() == torch::kFloat,
              "onesConvolutionSumKernel: CPU float32 only");
  const torch::Tensor x = x_in.contiguous();
  torch::Tensor out = torch::empty({x.size(0), 1, x.size(2), x.size(3)}, x.options());
  forwardSums({x.data_ptr<float>(), out.data_ptr<float>(), x.size(0), x.size(1), x.size(2),
               x.size(3), window});
  return out;
}

bool onesConvolutionSumMatches(c10::IntArrayRef shape, int64_t window) {
  static std::mutex mutex;
  static std::map<std::tuple<std::vector<int64_t>, int64_t>, bool> checked;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto key = std::make_tuple(shape.vec(), window);
  if (const auto it = checked.find(key); it != checked.end()) return it->second;
  const bool same = kernelEqualsConvolution(shape, window);
  checked.emplace(key, same);
  if (!same) {
    std::string dims;
    for (int64_t s : shape) dims += (dims.empty() ? "" : "x") + std::to_string(s);
    spdlog::warn(
        "NCC window sums: LibTorch's convolution adds a {}x{} ones filter in another order on "
        "this machine for inputs {}; the convolution itself is used (same values, slower)",
        window, window, dims);
  }
  return same;
}

torch::Tensor onesConvolutionSum(const torch::Tensor& x, int64_t window) {
  TORCH_CHECK(x.dim() == 4 && window % 2 == 1 && window > 0,
              "onesConvolutionSum: expected [N, C, H, W] and an odd window");
  if (x.device().is_cpu() && x.scalar_type() == torch::kFloat &&
      onesConvolutionSumMatches(x.sizes(), window))
    return OnesConvolutionSumFunction::apply(x, window);
  return convolution(x, window);
}

}  // namespace morphaeus
