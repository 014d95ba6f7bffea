// The adversarial autoencoder of GPND (Pidhorskyi et al. 2018; upstream
// model_zoo/aae_pidhorskyi.py, class AAE): encoder E (strided 4x4 convs, BatchNorm, LeakyReLU 0.2,
// to a z_dim x 1 x 1 code), generator G (transposed convs, BatchNorm, ReLU, tanh * 0.5 + 0.5),
// image discriminator D and latent discriminator ZD (z_dim -> 2d -> 2d -> 1, LeakyReLU 0.2,
// sigmoid). `extra_layers` (0, 1, 2) switches on the blocks for 64x64 and 128x128 inputs; their
// layers exist (and are in the state_dict) either way, as upstream. State-dict names as upstream:
// E.conv1_1, G.deconv1_1_bn, ZD.linear1, D.conv4, ... Initialisation as upstream's weight_init
// actually does: ZD's linears N(0, 0.02) with zero biases, every other layer PyTorch's default
// (upstream's AAE.weight_init only visits its four containers, which normal_init leaves alone).
#pragma once

#include <torch/torch.h>

#include "models/reconstruction.h"

namespace morphaeus {

struct AaeOptions {
  int64_t z_dim = 256;
  int64_t d = 64;
  int64_t channels = 1;
  /// 0: 32x32 inputs, 1: 64x64, 2: 128x128 (upstream's default 0; the paper's configs set 2)
  int64_t extra_layers = 0;
};

// E and D share their layout: conv1_1, [conv1_2 + conv1_bn2], [conv1_3 + conv1_bn3], conv2,
// conv2_bn, conv3, conv3_bn, conv4 (E: to z_dim channels, D: to one, then sigmoid).
class AaeConvNetImpl : public torch::nn::Module {
 public:
  AaeConvNetImpl(int64_t in_channels, int64_t d, int64_t mid, int64_t out, int64_t extra_layers,
                 bool sigmoid);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv1_1_{nullptr}, conv1_2_{nullptr}, conv1_3_{nullptr}, conv2_{nullptr},
      conv3_{nullptr}, conv4_{nullptr};
  torch::nn::BatchNorm2d bn2_{nullptr}, bn3_{nullptr}, conv2_bn_{nullptr}, conv3_bn_{nullptr};
  int64_t extra_layers_;
  bool sigmoid_;
};
TORCH_MODULE(AaeConvNet);

class AaeGeneratorImpl : public torch::nn::Module {
 public:
  AaeGeneratorImpl(const AaeOptions& o);
  torch::Tensor forward(const torch::Tensor& z);  // z: [N, z_dim, 1, 1] -> images in (0, 1)

 private:
  std::vector<torch::nn::ConvTranspose2d> deconv_;  // deconv1_1, 2, 3, 3_1, 3_2
  std::vector<torch::nn::BatchNorm2d> bn_;
  torch::nn::ConvTranspose2d out_{nullptr};
  int64_t extra_layers_;
};
TORCH_MODULE(AaeGenerator);

class AaeZDiscriminatorImpl : public torch::nn::Module {
 public:
  AaeZDiscriminatorImpl(int64_t z_dim, int64_t d);
  torch::Tensor forward(const torch::Tensor& z);  // [N, z_dim] -> [N, 1]

 private:
  torch::nn::Linear l1_{nullptr}, l2_{nullptr}, l3_{nullptr};
};
TORCH_MODULE(AaeZDiscriminator);

struct AaeOutput {
  torch::Tensor reconstruction, z;  // z: [N, z_dim, 1, 1]
};

class AAEImpl : public torch::nn::Module, public Reconstructor {
 public:
  explicit AAEImpl(const AaeOptions& options);
  AaeOutput forward(const torch::Tensor& x);  // G(E(x))
  torch::Tensor reconstruct(const torch::Tensor& x) override { return forward(x).reconstruction; }
  int64_t zDim() const { return options_.z_dim; }

  AaeConvNet E{nullptr}, D{nullptr};
  AaeGenerator G{nullptr};
  AaeZDiscriminator ZD{nullptr};

 private:
  AaeOptions options_;
};
TORCH_MODULE(AAE);

}  // namespace morphaeus
