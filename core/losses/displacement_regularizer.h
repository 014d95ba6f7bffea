// Smoothness of a 2-D displacement field [N, 2, H, W] from central differences on the interior
// (upstream DisplacementRegularizer2D): gradient-l2 = mean(dx^2 + dy^2) / 2 (MorphAEus's R),
// gradient-l1 = mean(|dx| + |dy|) / 2, bending = mean(dxx^2 + dyy^2 + 2 dxy^2).
#pragma once

#include <torch/torch.h>

#include <string>

namespace morphaeus {

enum class Regularizer { GradientL2, GradientL1, Bending };

Regularizer regularizerFromName(const std::string& name);  // "gradient-l2", "gradient-l1", "bending"
torch::Tensor displacementRegularizer(const torch::Tensor& field, Regularizer kind = Regularizer::GradientL2);

}  // namespace morphaeus
