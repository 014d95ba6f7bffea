// Frozen pretrained networks from files users download (torchvision's VGG19/AlexNet, the lpips
// package's linear layers): a bare state dict, of which every tensor the module has must be
// present (the file may hold more, e.g. a classifier).
#pragma once

#include <torch/torch.h>

#include <string>

namespace morphaeus {

// Loads, sets eval mode and requires_grad false. Throws CheckpointError naming the file: missing
// (with `missing_hint`, e.g. where to download it), unreadable, a tensor absent or misshapen.
void loadPretrained(torch::nn::Module& module, const std::string& path,
                    const std::string& missing_hint);

}  // namespace morphaeus
