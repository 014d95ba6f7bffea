// Reads files written by Python's torch.save: the zip format (PyTorch >= 1.6: data.pkl + data/<key>
// records, read with LibTorch's own zip reader) and the legacy format (a sequence of pickles
// followed by raw storages; e.g. torchvision's vgg19-dcbb9e9d.pth).
#pragma once

#include <ATen/core/ivalue.h>

#include <string>

namespace morphaeus {

// Throws CheckpointError naming the file for unreadable, truncated or unsupported content.
c10::IValue readTorchFile(const std::string& path);

}  // namespace morphaeus
