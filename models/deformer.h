// Deformer: estimates a velocity field from encoder/decoder features at the finest levels and
// warps. Children as upstream: deformerNN.ref__refine_i / ref__batch_i, flow, integrate,
// transformer.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "models/activation.h"
#include "models/spatial_transformer.h"

namespace morphaeus {

struct DeformerOptions {
  std::vector<int64_t> inshape{128, 128};
  std::vector<int64_t> channels;  // the autoencoder's first nr_ref_channels + 1 channels
  std::vector<int64_t> strides;   // the autoencoder's strides
  int64_t kernel_size = 3;
  std::string norm = "batch";
  std::string act = "swish";
  int64_t int_steps = 7;
  bool bidir = true;
  WarpMode warp = WarpMode::Native;
};

struct DeformerOutput {
  torch::Tensor y_source;     // x_prior warped by the integrated field
  torch::Tensor y_target;     // x warped by the integrated negative field (bidir), else y_source
  torch::Tensor velocity;     // the flow conv's output (pre-integration)
  torch::Tensor deformation;  // the integrated field
};

class DeformerImpl : public torch::nn::Module {
 public:
  explicit DeformerImpl(const DeformerOptions& options);

  // encode_history / decode_history: most coarse first, as MorphAEus collects them. reverse ==
  // false skips y_target (left undefined): scoring needs only y_source.
  DeformerOutput forward(const torch::Tensor& x, const torch::Tensor& x_prior,
                         const std::vector<torch::Tensor>& encode_history,
                         const std::vector<torch::Tensor>& decode_history, bool reverse = true);
  void setWarpMode(WarpMode mode);

 private:
  struct Level {
    torch::nn::ConvTranspose2d deconv{nullptr};  // upstream's refinement (its upsample mode fails)
    int64_t stride = 1, padding = 0;             // of deconv (output_padding 1)
    torch::nn::BatchNorm2d norm{nullptr};
  };
  std::vector<Level> levels_;
  torch::nn::Conv2d flow_{nullptr};
  VecInt integrate_{nullptr};
  SpatialTransformer transformer_{nullptr};
  Activation act_;
  bool bidir_;
};
TORCH_MODULE(Deformer);

}  // namespace morphaeus
