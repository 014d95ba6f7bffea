// The two resize paths of upstream's datasets (docs/METHOD.md section 4):
// - Tensor (core.DataLoader/DefaultDataset, the MorphAEus training data): bilinear resize of the
//   [0,1] float image, no antialiasing, align_corners=False (torchvision Resize on a tensor).
// - Pil (data.cxr_loader/CXRDataset, the evaluation data): x255 and truncate to uint8
//   (ToPILImage), Pillow's antialiased bilinear resize, /255 (ToTensor).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace morphaeus {

enum class ResizePath { Tensor, Pil };

// img01: [H, W] float32. Returns [1, out_h, out_w] float32.
torch::Tensor preprocessImage(const torch::Tensor& img01, int64_t out_h, int64_t out_w,
                              ResizePath path);

// The Pil path's 8-bit result before the final /255 (what a cache needs to store).
std::vector<std::uint8_t> pilPath8bit(const torch::Tensor& img01, int64_t out_h, int64_t out_w);

}  // namespace morphaeus
