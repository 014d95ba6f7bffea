// Builds models from a configuration's `model` block through the registry.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <stdexcept>

#include "core/config/config_node.h"
#include "core/config/key_table.h"
#include "core/config/model_input_rule.h"
#include "core/config/schema.h"
#include "models/autoencoder_options.h"
#include "models/morphaeus.h"

namespace morphaeus {

using ModelFactory = std::function<std::shared_ptr<torch::nn::Module>(const ConfigNode& params)>;

// A model factory from `build(params)` returning a module holder: option errors of the model
// (std::invalid_argument, TORCH_CHECK) become ConfigErrors at the params node.
template <class Build>
ModelFactory modelFactory(Build build) {
  return ModelFactory([build](const ConfigNode& params) -> std::shared_ptr<torch::nn::Module> {
    try {
      return build(params).ptr();
    } catch (const std::invalid_argument& e) {
      throw params.error(e.what());
    } catch (const c10::Error& e) {
      throw params.error(e.what_without_backtrace());
    }
  });
}

// What a model component registers (its ComponentSpec::factory): how it is built, and what it
// needs of its images (model_input_rule.h; null: nothing the cross-checks can tell from params).
struct ModelComponent {
  ModelFactory build;
  std::function<ModelInputRule(const ConfigNode& params)> input_rule;
};

// The model chosen by {module_name, class_name, params}; ConfigError when the pair has no factory
// or an option is out of range.
std::shared_ptr<torch::nn::Module> buildModel(const ConfigNode& model);

// The params keys of the encoder/decoder family (upstream convolutional_autoencoders.py) and of
// MorphAEus, with the upstream constructor defaults (the option structs' own): their schema, the
// reader into the options and the defaults check.
const KeyTable<AutoencoderOptions>& autoencoderKeys();
const KeyTable<MorphAEusOptions>& morphaeusKeys();
// What they need of their images: one input channel, one output channel, image sides a multiple
// of the encoder's stride; MorphAEus: exactly its inshape, which the strides reduce to one pixel.
ModelInputRule autoencoderInputRule(const ConfigNode& params);
// AE-D's dense bottleneck: the reduced image holds a fixed number of pixels (8x8 for the paper's
// 128x128 images and four stride-2 blocks).
ModelInputRule denseAutoencoderInputRule(const ConfigNode& params);
ModelInputRule morphaeusInputRule(const ConfigNode& params);

}  // namespace morphaeus
