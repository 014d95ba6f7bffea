#include "data/preprocess.h"

#include "data/pil_resize.h"

namespace morphaeus {

std::vector<std::uint8_t> pilPath8bit(const torch::Tensor& img01, int64_t out_h, int64_t out_w) {
  const auto src = img01.contiguous();
  const int64_t h = src.size(0), w = src.size(1);
  std::vector<std::uint8_t> q(static_cast<std::size_t>(h * w));
  const float* p = src.data_ptr<float>();
  for (std::size_t i = 0; i < q.size(); ++i) {
    // ToPILImage: pic.mul(255).byte() -- float32 product truncated toward zero. Values outside
    // [0, 1] (possible for NPY input) are clamped instead of wrapping.
    const float v = p[i] * 255.0f;
    q[i] = v <= 0.0f ? 0 : (v >= 255.0f ? 255 : static_cast<std::uint8_t>(v));
  }
  return pilResizeBilinear(q.data(), static_cast<int>(w), static_cast<int>(h), static_cast<int>(out_w),
                           static_cast<int>(out_h));
}

torch::Tensor preprocessImage(const torch::Tensor& img01, int64_t out_h, int64_t out_w,
                              ResizePath path) {
  TORCH_CHECK(img01.dim() == 2 && img01.scalar_type() == torch::kFloat,
              "preprocessImage: expected a [H, W] float image");
  if (path == ResizePath::Tensor) {
    namespace F = torch::nn::functional;
    return F::interpolate(img01.unsqueeze(0).unsqueeze(0),
                          F::InterpolateFuncOptions()
                              .size(std::vector<int64_t>{out_h, out_w})
                              .mode(torch::kBilinear)
                              .align_corners(false))
        .squeeze(0);
  }
  std::vector<std::uint8_t> q = pilPath8bit(img01, out_h, out_w);
  return torch::from_blob(q.data(), {1, out_h, out_w}, torch::kUInt8).to(torch::kFloat) / 255.0f;
}

}  // namespace morphaeus
