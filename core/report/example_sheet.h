// The paper-style example figure: one row per image, one column per view (input, prior,
// reconstruction, residuals, deformation grid), titles above, file names at the left.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace morphaeus {

struct SheetColumn {
  std::string title;
  torch::Tensor images;  // [N, H, W], the same N and size in every column
  bool heat = false;     // inferno colour map (residuals) instead of grey
  double vmax = 1.0;     // value shown as white / the hottest colour
};

// Writes a PNG atomically (tiles upscaled by `scale`, nearest); throws std::runtime_error naming
// the file (also without OpenCV: see canWriteFigures()).
void writeExampleSheet(const std::string& path, const std::vector<SheetColumn>& columns,
                       const std::vector<std::string>& row_labels, int scale = 2);

}  // namespace morphaeus
