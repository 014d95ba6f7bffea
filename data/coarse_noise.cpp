#include "data/coarse_noise.h"

namespace morphaeus {

torch::Tensor addCoarseNoise(const torch::Tensor& x, const torch::Tensor& noise, int64_t roll_y,
                             int64_t roll_x) {
  namespace F = torch::nn::functional;
  auto ns = F::interpolate(noise, F::InterpolateFuncOptions()
                                      .size(std::vector<int64_t>{x.size(2), x.size(3)})
                                      .mode(torch::kBilinear)
                                      .align_corners(true));
  ns = torch::roll(ns, {roll_y, roll_x}, {-2, -1});
  const auto mask = x.sum(1, /*keepdim=*/true) > 0.01;
  return x + ns * mask;
}

torch::Tensor addCoarseNoise(const torch::Tensor& x, const CoarseNoiseOptions& o) {
  const auto noise =
      torch::normal(0.0, o.noise_std, {x.size(0), x.size(1), o.noise_res, o.noise_res},
                    c10::nullopt, x.options());
  const int64_t roll_y = torch::randint(x.size(2), {1}).item<int64_t>();
  const int64_t roll_x = torch::randint(x.size(3), {1}).item<int64_t>();
  return addCoarseNoise(x, noise, roll_y, roll_x);
}

}  // namespace morphaeus
