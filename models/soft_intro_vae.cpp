#include "models/soft_intro_vae.h"

#include "models/batch_norm.h"

#include <string>

namespace morphaeus {
namespace {

namespace nn = torch::nn;

nn::Conv2d conv(int64_t in, int64_t out, int64_t k, bool bias) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, k).padding(k / 2).bias(bias));
}

// Whether upstream's `inc is not outc` holds for the block from channels[a] to channels[b]
// (indices into the config's list; a == b: the same entry). Python caches the ints -5..256, so
// two entries with an equal value above 256 are different objects.
bool expands(const std::vector<int64_t>& ch, std::size_t a, std::size_t b, bool upstream) {
  if (ch[a] != ch[b]) return true;
  return upstream && a != b && ch[a] > 256;
}

}  // namespace

SiResidualBlockImpl::SiResidualBlockImpl(int64_t in, int64_t out, bool expand) {
  if (expand) conv_expand_ = register_module("conv_expand", conv(in, out, 1, false));
  conv1_ = register_module("conv1", conv(in, out, 3, false));
  bn1_ = register_module("bn1", nn::BatchNorm2d(out));
  conv2_ = register_module("conv2", conv(out, out, 3, false));
  bn2_ = register_module("bn2", nn::BatchNorm2d(out));
}

torch::Tensor SiResidualBlockImpl::forward(const torch::Tensor& x) {
  const auto identity = conv_expand_ ? conv_expand_(x) : x;
  const auto h = torch::leaky_relu(batchNorm(*bn1_, conv1_(x)), 0.2);
  return torch::leaky_relu(batchNorm(*bn2_, conv2_(h)) + identity, 0.2);
}

SoftIntroVAEImpl::SoftIntroVAEImpl(const SoftIntroVaeOptions& o) : options_(o) {
  const auto& ch = o.channels;
  TORCH_CHECK(!ch.empty(), "SoftIntroVAE: channels must not be empty");
  encoder_ = register_module("encoder", std::make_shared<nn::Module>());
  decoder_ = register_module("decoder", std::make_shared<nn::Module>());

  enc_main_ =
      nn::Sequential(conv(o.cdim, ch[0], 5, false), nn::BatchNorm2d(ch[0]),
                     nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)), nn::AvgPool2d(2));
  int64_t size = o.image_size / 2;
  for (std::size_t i = 1; i < ch.size(); ++i) {
    enc_main_->push_back(
        "res_in_" + std::to_string(size),
        SiResidualBlock(ch[i - 1], ch[i], expands(ch, i - 1, i, o.upstream_conv_expand)));
    enc_main_->push_back("down_to_" + std::to_string(size / 2), nn::AvgPool2d(2));
    size /= 2;
  }
  enc_main_->push_back("res_in_" + std::to_string(size),
                       SiResidualBlock(ch.back(), ch.back(), false));
  TORCH_CHECK(size >= 1, "SoftIntroVAE: image_size ", o.image_size, " is too small for ", ch.size(),
              " channel levels");
  feature_shape_ = {ch.back(), size, size};
  encoder_->register_module("main", enc_main_);
  enc_fc_ = encoder_->register_module("fc", nn::Linear(ch.back() * size * size, 2 * o.zdim));

  dec_fc_ = decoder_->register_module(
      "fc", nn::Sequential(nn::Linear(o.zdim, ch.back() * size * size), nn::ReLU()));
  dec_main_ = nn::Sequential();
  std::size_t from = ch.size() - 1;  // the entry the current channel count came from
  for (std::size_t k = ch.size(); k-- > 0;) {
    dec_main_->push_back(
        "res_in_" + std::to_string(size),
        SiResidualBlock(ch[from], ch[k], expands(ch, from, k, o.upstream_conv_expand)));
    dec_main_->push_back("up_to_" + std::to_string(size * 2),
                         nn::Upsample(nn::UpsampleOptions()
                                          .scale_factor(std::vector<double>{2.0, 2.0})
                                          .mode(torch::kNearest)));
    from = k;
    size *= 2;
  }
  dec_main_->push_back("res_in_" + std::to_string(size), SiResidualBlock(ch[0], ch[0], false));
  dec_main_->push_back("predict", conv(ch[0], o.cdim, 5, true));
  dec_main_->push_back("sigmoid", nn::Sigmoid());
  decoder_->register_module("main", dec_main_);
}

std::pair<torch::Tensor, torch::Tensor> SoftIntroVAEImpl::encode(const torch::Tensor& x) {
  const auto y = enc_fc_(enc_main_->forward(x).reshape({x.size(0), -1}));
  auto parts = y.chunk(2, 1);
  return {parts[0], parts[1]};
}

torch::Tensor SoftIntroVAEImpl::decode(const torch::Tensor& z) {
  auto y = dec_fc_->forward(z.reshape({z.size(0), -1}));
  y = y.reshape({z.size(0), feature_shape_[0], feature_shape_[1], feature_shape_[2]});
  return dec_main_->forward(y);
}

torch::Tensor SoftIntroVAEImpl::reparameterize(const torch::Tensor& mu,
                                               const torch::Tensor& logvar) {
  const auto std = torch::exp(0.5 * logvar);
  return mu + torch::randn_like(std) * std;
}

SoftIntroVaeOutput SoftIntroVAEImpl::forward(const torch::Tensor& x, bool deterministic) {
  SoftIntroVaeOutput out;
  std::tie(out.mu, out.logvar) = encode(x);
  out.z = deterministic ? out.mu : reparameterize(out.mu, out.logvar);
  out.reconstruction = decode(out.z);
  return out;
}

}  // namespace morphaeus
