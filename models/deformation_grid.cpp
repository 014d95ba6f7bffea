#include "models/deformation_grid.h"

#include "models/warp/warp.h"

namespace morphaeus {

torch::Tensor deformationGrid(const torch::Tensor& deformation, int64_t spacing) {
  TORCH_CHECK(deformation.dim() == 4 && deformation.size(1) == 2,
              "deformationGrid: expects [N, 2, H, W]");
  TORCH_CHECK(spacing >= 2, "deformationGrid: spacing must be at least 2 pixels");
  const int64_t n = deformation.size(0), h = deformation.size(2), w = deformation.size(3);
  const auto opts = deformation.options();
  const auto rows = (torch::arange(h, opts).remainder(spacing) == spacing / 2).view({h, 1});
  const auto cols = (torch::arange(w, opts).remainder(spacing) == spacing / 2).view({1, w});
  const auto lines = torch::logical_or(rows, cols).to(deformation.scalar_type());
  torch::NoGradGuard no_grad;
  return warp(lines.expand({n, 1, h, w}).contiguous(), deformation.contiguous());
}

}  // namespace morphaeus
