// What a model needs of the images it is given, as its own params say it: the cross-checks
// before any work (core/experiment/experiment_check.cpp) apply these rules to every image input of
// the experiment and know no model by name. Each model's registration writes its rule
// (ModelComponent::input_rule, core/registry/model_factory.h); the nodes point into the model's
// params, where the errors are reported.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/config_error.h"
#include "core/config/config_node.h"

namespace morphaeus {

// "trainer.params.batch_size (morphaeus.yaml:52:7)": another key, named in a message.
inline std::string namedKey(const ConfigNode& node) {
  return node.path() + " (" + node.where().str() + ")";
}

// "128x128".
inline std::string sizeText(std::int64_t rows, std::int64_t cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

// The value of `key` in a params map; null when absent, null or not a map.
inline const ConfigNode* givenKey(const ConfigNode& params, const char* key) {
  const ConfigNode* n = params.isMap() ? params.find(key) : nullptr;
  return n != nullptr && !n->isNull() ? n : nullptr;
}

struct ModelInputRule {
  /// the key giving the image channels the model takes (the images are read as one); null: none
  const ConfigNode* in_channels = nullptr;
  /// keys giving the reconstruction's channels (compared with one-channel images): name, node
  std::vector<std::pair<std::string, const ConfigNode*>> out_channels;
  /// the one image size (rows, cols) the model is built for, and the node that says it
  std::optional<std::pair<std::int64_t, std::int64_t>> image_size;
  const ConfigNode* image_size_key = nullptr;
  /// image sides must be multiples of this (the encoder's total stride), said by the key below
  std::int64_t side_multiple = 1;
  const ConfigNode* side_multiple_key = nullptr;
  /// the reduced image (rows / side_multiple x cols / side_multiple) must hold exactly this many
  /// pixels (a dense bottleneck of fixed width, which says why); 0: any
  std::int64_t reduced_pixels = 0;
  std::string reduced_pixels_reason;
  /// params that disagree among themselves (checked after the image size)
  std::vector<ConfigError> errors;
};

}  // namespace morphaeus
