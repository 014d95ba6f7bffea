#include "data/pil_resize.h"

#include <cmath>
#include <stdexcept>

namespace morphaeus {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;

struct Coefficients {
  int ksize = 0;
  std::vector<int> bounds;       // per output pixel: first input index, count
  std::vector<std::int32_t> k;   // per output pixel: ksize fixed-point weights
};

double triangle(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

// Pillow's precompute_coeffs + normalize_coeffs_8bpc for the box [0, in_size).
Coefficients precompute(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filterscale = scale < 1.0 ? 1.0 : scale;
  const double support = 1.0 * filterscale;
  Coefficients c;
  c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  c.bounds.resize(2 * static_cast<std::size_t>(out_size));
  c.k.assign(static_cast<std::size_t>(out_size) * c.ksize, 0);
  std::vector<double> w(static_cast<std::size_t>(c.ksize));
  for (int xx = 0; xx < out_size; ++xx) {
    const double center = (xx + 0.5) * scale;
    const double ss = 1.0 / filterscale;
    int xmin = static_cast<int>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    double ww = 0.0;
    for (int x = 0; x < xmax; ++x) {
      w[x] = triangle((x + xmin - center + 0.5) * ss);
      ww += w[x];
    }
    for (int x = 0; x < xmax; ++x) {
      const double v = ww != 0.0 ? w[x] / ww : w[x];
      c.k[static_cast<std::size_t>(xx) * c.ksize + x] =
          v < 0 ? static_cast<int>(-0.5 + v * (1 << kPrecisionBits))
                : static_cast<int>(0.5 + v * (1 << kPrecisionBits));
    }
    c.bounds[2 * xx] = xmin;
    c.bounds[2 * xx + 1] = xmax;
  }
  return c;
}

std::uint8_t clip8(std::int64_t in) {
  if (in >= (int64_t(1) << kPrecisionBits) << 8) return 255;
  if (in <= 0) return 0;
  return static_cast<std::uint8_t>(in >> kPrecisionBits);
}

}  // namespace

std::vector<std::uint8_t> pilResizeBilinear(const std::uint8_t* in, int in_w, int in_h, int out_w,
                                            int out_h) {
  if (in_w <= 0 || in_h <= 0 || out_w <= 0 || out_h <= 0) {
    throw std::invalid_argument("pilResizeBilinear: empty image");
  }
  if (in_w == out_w && in_h == out_h) return std::vector<std::uint8_t>(in, in + in_w * in_h);
  const Coefficients horiz = precompute(in_w, out_w);
  const Coefficients vert = precompute(in_h, out_h);
  const bool need_h = out_w != in_w, need_v = out_h != in_h;
  // Rows the vertical pass will read.
  const int first = vert.bounds[0];
  const int last = vert.bounds[2 * out_h - 2] + vert.bounds[2 * out_h - 1];

  std::vector<std::uint8_t> temp;
  const std::uint8_t* src = in;
  int src_w = in_w, row_offset = 0;
  if (need_h) {
    const int rows = need_v ? last - first : in_h;
    const int y0 = need_v ? first : 0;
    temp.resize(static_cast<std::size_t>(rows) * out_w);
    for (int yy = 0; yy < rows; ++yy) {
      const std::uint8_t* line = in + static_cast<std::size_t>(yy + y0) * in_w;
      for (int xx = 0; xx < out_w; ++xx) {
        const int xmin = horiz.bounds[2 * xx], xmax = horiz.bounds[2 * xx + 1];
        const std::int32_t* k = &horiz.k[static_cast<std::size_t>(xx) * horiz.ksize];
        std::int64_t ss = int64_t(1) << (kPrecisionBits - 1);
        for (int x = 0; x < xmax; ++x) ss += static_cast<std::int64_t>(line[x + xmin]) * k[x];
        temp[static_cast<std::size_t>(yy) * out_w + xx] = clip8(ss);
      }
    }
    if (!need_v) return temp;
    src = temp.data();
    src_w = out_w;
    row_offset = first;
  }
  std::vector<std::uint8_t> out(static_cast<std::size_t>(out_h) * src_w);
  for (int yy = 0; yy < out_h; ++yy) {
    const int ymin = vert.bounds[2 * yy] - row_offset, ymax = vert.bounds[2 * yy + 1];
    const std::int32_t* k = &vert.k[static_cast<std::size_t>(yy) * vert.ksize];
    for (int xx = 0; xx < src_w; ++xx) {
      std::int64_t ss = int64_t(1) << (kPrecisionBits - 1);
      for (int y = 0; y < ymax; ++y) {
        ss += static_cast<std::int64_t>(src[static_cast<std::size_t>(y + ymin) * src_w + xx]) * k[y];
      }
      out[static_cast<std::size_t>(yy) * src_w + xx] = clip8(ss);
    }
  }
  return out;
}

}  // namespace morphaeus
