// The reconstruction of a batch by any of the reconstruction models (MorphAEus: y_source).
#pragma once

#include <torch/torch.h>

namespace morphaeus {

// Throws std::invalid_argument for a model that does not reconstruct images.
torch::Tensor reconstruct(torch::nn::Module& model, const torch::Tensor& x);

}  // namespace morphaeus
