// MorphAEus (Bercea et al., MICCAI 2023): an autoencoder's global prior x_prior, locally adapted
// by a deformation estimated from encoder/decoder features. Module and parameter names match the
// upstream state_dict (encoder.*, decoder.*, deformer.*).
#pragma once

#include <torch/torch.h>

#include "models/autoencoder_options.h"
#include "models/decoder.h"
#include "models/deformer.h"
#include "models/encoder.h"
#include "models/reconstruction.h"

namespace morphaeus {

struct MorphAEusOptions {
  AutoencoderOptions autoencoder;  // upstream defaults: act leakyrelu, deconv upsample
  std::vector<int64_t> inshape{128, 128};
  int64_t nr_ref_channels = 2;
  bool bidir = true;
  WarpMode warp = WarpMode::Native;
};

struct MorphAEusOutput {
  torch::Tensor reconstruction;  // y_source: the prior warped by the deformation (scored)
  // upstream's second output: the velocity (training) or the integrated field (registration)
  torch::Tensor velocity_or_deformation;
  torch::Tensor x_prior;         // the decoder's output
  torch::Tensor x_reversed;      // y_target (training) or y_source (registration)
};

class MorphAEusImpl : public torch::nn::Module, public Reconstructor {
 public:
  explicit MorphAEusImpl(const MorphAEusOptions& options);

  // registration == true returns the integrated field as `deformation`, as upstream.
  MorphAEusOutput forward(const torch::Tensor& x, bool registration = false);
  // y_source only (what anomaly scores use): skips the reverse warp of x.
  torch::Tensor reconstruct(const torch::Tensor& x) override;
  ReconstructionParts reconstructionParts(const torch::Tensor& x) override {
    const MorphAEusOutput out = forward(x, /*registration=*/true);
    return {out.reconstruction, out.x_prior, out.velocity_or_deformation};
  }
  void setWarpMode(WarpMode mode) { deformer_->setWarpMode(mode); }

 private:
  MorphAEusOutput run(const torch::Tensor& x, bool registration, bool reverse);
  Encoder encoder_{nullptr};
  Decoder decoder_{nullptr};
  Deformer deformer_{nullptr};
};
TORCH_MODULE(MorphAEus);

}  // namespace morphaeus
