// Builds models from a configuration's `model` block through the registry.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>

#include "core/config/config_node.h"
#include "models/autoencoder_options.h"
#include "models/morphaeus.h"

namespace morphaeus {

using ModelFactory = std::function<std::shared_ptr<torch::nn::Module>(const ConfigNode& params)>;

// The model chosen by {module_name, class_name, params}; ConfigError when the pair has no factory
// or an option is out of range.
std::shared_ptr<torch::nn::Module> buildModel(const ConfigNode& model);

// Options from a (validated) params map, with the upstream constructor defaults.
AutoencoderOptions autoencoderOptions(const ConfigNode& params);
MorphAEusOptions morphaeusOptions(const ConfigNode& params);

}  // namespace morphaeus
