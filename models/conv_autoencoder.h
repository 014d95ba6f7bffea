// ConvAutoEncoder (upstream AE-S and the MorphAEus-woPLM ablation): Encoder + Decoder.
#pragma once

#include <torch/torch.h>

#include "models/decoder.h"
#include "models/encoder.h"
#include "models/reconstruction.h"

namespace morphaeus {

struct ConvAutoEncoderOutput {
  torch::Tensor reconstruction;
  torch::Tensor z;
};

class ConvAutoEncoderImpl : public torch::nn::Module, public Reconstructor {
 public:
  explicit ConvAutoEncoderImpl(const AutoencoderOptions& options);
  ConvAutoEncoderOutput forward(const torch::Tensor& x);
  torch::Tensor reconstruct(const torch::Tensor& x) override { return forward(x).reconstruction; }

 private:
  Encoder encoder_{nullptr};
  Decoder decoder_{nullptr};
};
TORCH_MODULE(ConvAutoEncoder);

}  // namespace morphaeus
