// NumPy .npy output (format 1.0, little-endian float32, C order), written atomically.
#pragma once

#include <torch/torch.h>

#include <string>

namespace morphaeus {

// Any shape; the values are converted to float32. Throws DataError naming the file.
void writeNpy(const std::string& path, const torch::Tensor& array);

}  // namespace morphaeus
