// Builds the trainer's `loss` block through the registry: the factory of the chosen loss reads
// its params (with their schema defaults) once and returns the configured loss.
#pragma once

#include <functional>

#include "core/config/config_node.h"
#include "core/losses/reconstruction_loss.h"

namespace morphaeus {

using LossFactory = std::function<ReconstructionLoss(const ConfigNode& params)>;

// The loss chosen by {module_name, class_name, params}; ConfigError when the pair has no factory.
ReconstructionLoss buildLoss(const ConfigNode& loss);

}  // namespace morphaeus
