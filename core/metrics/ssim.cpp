#include "core/metrics/ssim.h"

#include <ATen/Parallel.h>

#include <stdexcept>
#include <vector>

namespace morphaeus {
namespace {

constexpr int kWin = 7, kPad = kWin / 2;

// 7x7 box means at the interior pixels [kPad, n - kPad) (the only ones the mean uses, so the
// filter's border mode does not matter).
std::vector<double> boxMean(const std::vector<double>& v, int h, int w) {
  std::vector<double> rows(static_cast<std::size_t>(h) * w, 0.0),
      out(static_cast<std::size_t>(h) * w, 0.0);
  for (int r = 0; r < h; ++r)
    for (int c = kPad; c < w - kPad; ++c) {
      double s = 0;
      for (int k = -kPad; k <= kPad; ++k) s += v[static_cast<std::size_t>(r) * w + c + k];
      rows[static_cast<std::size_t>(r) * w + c] = s / kWin;
    }
  for (int r = kPad; r < h - kPad; ++r)
    for (int c = kPad; c < w - kPad; ++c) {
      double s = 0;
      for (int k = -kPad; k <= kPad; ++k) s += rows[static_cast<std::size_t>(r + k) * w + c];
      out[static_cast<std::size_t>(r) * w + c] = s / kWin;
    }
  return out;
}

}  // namespace

double ssim(const torch::Tensor& a, const torch::Tensor& b, double data_range) {
  if (a.dim() != 2 || a.sizes() != b.sizes() || a.size(0) < kWin || a.size(1) < kWin) {
    throw std::invalid_argument("ssim: expected two equal [H, W] images of at least 7x7");
  }
  const int h = static_cast<int>(a.size(0)), w = static_cast<int>(a.size(1));
  const auto ad = a.to(torch::kDouble).contiguous(), bd = b.to(torch::kDouble).contiguous();
  const double* pa = ad.data_ptr<double>();
  const double* pb = bd.data_ptr<double>();
  const std::size_t n = static_cast<std::size_t>(h) * w;
  std::vector<double> x(pa, pa + n), y(pb, pb + n), xx(n), yy(n), xy(n);
  for (std::size_t i = 0; i < n; ++i) {
    xx[i] = x[i] * x[i];
    yy[i] = y[i] * y[i];
    xy[i] = x[i] * y[i];
  }
  const auto ux = boxMean(x, h, w), uy = boxMean(y, h, w);
  const auto uxx = boxMean(xx, h, w), uyy = boxMean(yy, h, w), uxy = boxMean(xy, h, w);
  const double np_ = kWin * kWin, cov_norm = np_ / (np_ - 1);
  const double c1 = (0.01 * data_range) * (0.01 * data_range),
               c2 = (0.03 * data_range) * (0.03 * data_range);
  double sum = 0;
  for (int r = kPad; r < h - kPad; ++r)
    for (int c = kPad; c < w - kPad; ++c) {
      const std::size_t i = static_cast<std::size_t>(r) * w + c;
      const double vx = cov_norm * (uxx[i] - ux[i] * ux[i]);
      const double vy = cov_norm * (uyy[i] - uy[i] * uy[i]);
      const double vxy = cov_norm * (uxy[i] - ux[i] * uy[i]);
      const double a1 = 2 * ux[i] * uy[i] + c1, a2 = 2 * vxy + c2;
      const double b1 = ux[i] * ux[i] + uy[i] * uy[i] + c1, b2 = vx + vy + c2;
      sum += (a1 * a2) / (b1 * b2);
    }
  return sum / ((h - 2 * kPad) * static_cast<double>(w - 2 * kPad));
}

std::vector<double> ssimBatch(const torch::Tensor& a, const torch::Tensor& b, double data_range) {
  if (a.sizes() != b.sizes() || a.dim() < 3 || (a.dim() == 4 && a.size(1) != 1) || a.dim() > 4) {
    throw std::invalid_argument("ssimBatch: expected two equal [B, 1, H, W] or [B, H, W] batches");
  }
  const auto ac = a.to(torch::kCPU, torch::kDouble).reshape({a.size(0), a.size(-2), a.size(-1)});
  const auto bc = b.to(torch::kCPU, torch::kDouble).reshape({b.size(0), b.size(-2), b.size(-1)});
  std::vector<double> out(static_cast<std::size_t>(a.size(0)));
  at::parallel_for(0, a.size(0), 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      out[static_cast<std::size_t>(i)] = ssim(ac[i], bc[i], data_range);
  });
  return out;
}

}  // namespace morphaeus
