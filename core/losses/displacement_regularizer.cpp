#include "core/losses/displacement_regularizer.h"

#include <stdexcept>

#include "core/base/mixed_precision.h"

namespace morphaeus {
namespace {

using torch::indexing::Slice;

// Central differences on the interior: along rows (dim 2) and along columns (dim 3).
torch::Tensor rowDiff(const torch::Tensor& f) {
  return (f.index({Slice(), Slice(), Slice(2, torch::indexing::None), Slice(1, -1)}) -
          f.index({Slice(), Slice(), Slice(torch::indexing::None, -2), Slice(1, -1)})) / 2;
}
torch::Tensor colDiff(const torch::Tensor& f) {
  return (f.index({Slice(), Slice(), Slice(1, -1), Slice(2, torch::indexing::None)}) -
          f.index({Slice(), Slice(), Slice(1, -1), Slice(torch::indexing::None, -2)})) / 2;
}

}  // namespace

Regularizer regularizerFromName(const std::string& name) {
  if (name == "gradient-l2") return Regularizer::GradientL2;
  if (name == "gradient-l1") return Regularizer::GradientL1;
  if (name == "bending") return Regularizer::Bending;
  throw std::invalid_argument("unknown regulariser \"" + name + "\" (gradient-l2, gradient-l1, bending)");
}

torch::Tensor displacementRegularizer(const torch::Tensor& field_in, Regularizer kind) {
  TORCH_CHECK(field_in.dim() == 4, "displacementRegularizer: expected [N, C, H, W]");
  const torch::Tensor field = fullPrecision(field_in);
  const auto dx = rowDiff(field), dy = colDiff(field);
  switch (kind) {
    case Regularizer::GradientL2: return (dx * dx + dy * dy).mean() / 2.0;
    case Regularizer::GradientL1: return (dx.abs() + dy.abs()).mean() / 2.0;
    case Regularizer::Bending: {
      const auto dxx = rowDiff(dx), dyy = colDiff(dy), dxy = colDiff(dx);
      return (dxx * dxx + dyy * dyy + 2 * dxy * dxy).mean();
    }
  }
  return {};
}

}  // namespace morphaeus
