#include "models/aae.h"

#include "models/batch_norm.h"

namespace morphaeus {
namespace {

torch::nn::Conv2d down(int64_t in, int64_t out) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 4).stride(2).padding(1));
}

torch::nn::ConvTranspose2d up(int64_t in, int64_t out, int64_t stride, int64_t padding) {
  return torch::nn::ConvTranspose2d(
      torch::nn::ConvTranspose2dOptions(in, out, 4).stride(stride).padding(padding));
}

torch::Tensor lrelu(const torch::Tensor& x) {
  return torch::leaky_relu(x, 0.2);
}

}  // namespace

AaeConvNetImpl::AaeConvNetImpl(int64_t in_channels, int64_t d, int64_t mid, int64_t out,
                               int64_t extra_layers, bool sigmoid)
    : extra_layers_(extra_layers), sigmoid_(sigmoid) {
  namespace nn = torch::nn;
  conv1_1_ = register_module("conv1_1", down(in_channels, d));
  conv1_2_ = register_module("conv1_2", down(d, d));
  bn2_ = register_module("conv1_bn2", nn::BatchNorm2d(d));
  conv1_3_ = register_module("conv1_3", down(d, d));
  bn3_ = register_module("conv1_bn3", nn::BatchNorm2d(d));
  conv2_ = register_module("conv2", down(d, mid));
  conv2_bn_ = register_module("conv2_bn", nn::BatchNorm2d(mid));
  conv3_ = register_module("conv3", down(mid, d * 4));
  conv3_bn_ = register_module("conv3_bn", nn::BatchNorm2d(d * 4));
  conv4_ = register_module("conv4", nn::Conv2d(nn::Conv2dOptions(d * 4, out, 4)));
}

torch::Tensor AaeConvNetImpl::forward(const torch::Tensor& input) {
  auto x = lrelu(conv1_1_(input));
  if (extra_layers_ > 0) x = lrelu(batchNorm(*bn2_, conv1_2_(x)));
  if (extra_layers_ > 1) x = lrelu(batchNorm(*bn3_, conv1_3_(x)));
  x = lrelu(batchNorm(*conv2_bn_, conv2_(x)));
  x = lrelu(batchNorm(*conv3_bn_, conv3_(x)));
  x = conv4_(x);
  return sigmoid_ ? torch::sigmoid(x) : x;
}

AaeGeneratorImpl::AaeGeneratorImpl(const AaeOptions& o) : extra_layers_(o.extra_layers) {
  const int64_t d = o.d;
  struct Layer {
    const char *conv, *bn;
    int64_t in, out, stride, padding;
  };
  const Layer layers[] = {{"deconv1_1", "deconv1_1_bn", o.z_dim, d * 4, 1, 0},
                          {"deconv2", "deconv2_bn", d * 4, d * 4, 2, 1},
                          {"deconv3", "deconv3_bn", d * 4, d * 2, 2, 1},
                          {"deconv3_1", "deconv3_bn1", d * 2, d * 2, 2, 1},
                          {"deconv3_2", "deconv3_bn2", d * 2, d * 2, 2, 1}};
  for (const Layer& l : layers) {
    deconv_.push_back(register_module(l.conv, up(l.in, l.out, l.stride, l.padding)));
    bn_.push_back(register_module(l.bn, torch::nn::BatchNorm2d(l.out)));
  }
  out_ = register_module("deconv4", up(d * 2, o.channels, 2, 1));
}

torch::Tensor AaeGeneratorImpl::forward(const torch::Tensor& z) {
  torch::Tensor x = z;
  const std::size_t used = 3 + static_cast<std::size_t>(std::min<int64_t>(extra_layers_, 2));
  for (std::size_t i = 0; i < used; ++i) x = torch::relu(batchNorm(*bn_[i], deconv_[i](x)));
  return torch::tanh(out_(x)) * 0.5 + 0.5;
}

AaeZDiscriminatorImpl::AaeZDiscriminatorImpl(int64_t z_dim, int64_t d) {
  l1_ = register_module("linear1", torch::nn::Linear(z_dim, d));
  l2_ = register_module("linear2", torch::nn::Linear(d, d));
  l3_ = register_module("linear3", torch::nn::Linear(d, 1));
  torch::NoGradGuard no_grad;
  for (auto* l : {&l1_, &l2_, &l3_}) {
    (*l)->weight.normal_(0, 0.02);
    (*l)->bias.zero_();
  }
}

torch::Tensor AaeZDiscriminatorImpl::forward(const torch::Tensor& z) {
  return torch::sigmoid(l3_(lrelu(l2_(lrelu(l1_(z))))));
}

AAEImpl::AAEImpl(const AaeOptions& o) : options_(o) {
  TORCH_CHECK(o.extra_layers >= 0 && o.extra_layers <= 2, "AAE: extra_layers must be 0, 1 or 2");
  E = register_module("E", AaeConvNet(o.channels, o.d, o.d * 4, o.z_dim, o.extra_layers, false));
  G = register_module("G", AaeGenerator(o));
  ZD = register_module("ZD", AaeZDiscriminator(o.z_dim, o.d * 2));
  D = register_module("D", AaeConvNet(o.channels, o.d, o.d * 2, 1, o.extra_layers, true));
}

AaeOutput AAEImpl::forward(const torch::Tensor& x) {
  AaeOutput out;
  out.z = E(x);
  out.reconstruction = G(out.z);
  return out;
}

}  // namespace morphaeus
