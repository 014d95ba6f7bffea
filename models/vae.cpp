#include "models/vae.h"

#include <string>

namespace morphaeus {
namespace {

// Upstream's ConvModule: a holder whose only child is "conv".
template <class Conv>
std::shared_ptr<torch::nn::Module> holding(const Conv& conv) {
  auto holder = std::make_shared<torch::nn::Module>();
  holder->register_module("conv", conv);
  return holder;
}

// start, middle_blocks.<i>, end as upstream names them; returns the convs in order.
template <class Conv>
std::vector<Conv> registerBlocks(torch::nn::Module& parent, const std::vector<Conv>& convs) {
  parent.register_module("start", holding(convs.front()));
  torch::nn::ModuleList middle;
  for (std::size_t i = 1; i + 1 < convs.size(); ++i) middle->push_back(holding(convs[i]));
  parent.register_module("middle_blocks", middle);
  parent.register_module("end", holding(convs.back()));
  return convs;
}

}  // namespace

VAEImpl::VAEImpl(const VaeOptions& o) {
  namespace nn = torch::nn;
  TORCH_CHECK(o.input_size.size() == 3, "VAE: input_size must be (channels, rows, cols)");
  TORCH_CHECK(!o.h_size.empty() && o.z_dim > 0,
              "VAE: h_size needs at least one entry and z_dim > 0");
  const int64_t scale = int64_t{1} << o.h_size.size();
  const int64_t rows = o.input_size[1] / scale, cols = o.input_size[2] / scale;
  TORCH_CHECK(rows >= 2 && cols >= 2, "VAE: h_size too long, one image dimension has perished");
  std::vector<nn::Conv2d> enc;
  int64_t in = o.input_size[0];
  for (int64_t c : o.h_size) {
    enc.push_back(nn::Conv2d(nn::Conv2dOptions(in, c, 4).stride(2).padding(1).bias(false)));
    in = c;
  }
  enc.push_back(nn::Conv2d(nn::Conv2dOptions(in, 2 * o.z_dim, {rows, cols}).bias(false)));
  std::vector<nn::ConvTranspose2d> dec;
  const std::vector<int64_t> up(o.h_size.rbegin(), o.h_size.rend());
  dec.push_back(
      nn::ConvTranspose2d(nn::ConvTranspose2dOptions(o.z_dim, up[0], {rows, cols}).bias(false)));
  for (std::size_t i = 1; i < up.size(); ++i) {
    dec.push_back(nn::ConvTranspose2d(
        nn::ConvTranspose2dOptions(up[i - 1], up[i], 4).stride(2).padding(1).bias(false)));
  }
  dec.push_back(nn::ConvTranspose2d(
      nn::ConvTranspose2dOptions(up.back(), o.input_size[0], 4).stride(2).padding(1).bias(false)));
  auto encoder = std::make_shared<torch::nn::Module>();
  auto decoder = std::make_shared<torch::nn::Module>();
  enc_ = registerBlocks(*encoder, enc);
  dec_ = registerBlocks(*decoder, dec);
  register_module("encoder", encoder);
  register_module("decoder", decoder);
}

VaeOutput VAEImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = x;
  for (std::size_t i = 0; i < enc_.size(); ++i) {
    h = enc_[i]->forward(h);
    if (i + 1 < enc_.size()) h = torch::leaky_relu(h, 0.01);
  }
  VaeOutput out;
  auto parts = h.chunk(2, 1);
  out.mu = parts[0];
  out.log_std = parts[1];
  torch::Tensor z = out.mu;
  if (is_training())
    z = out.mu + torch::randn(out.mu.sizes(), out.mu.options()) * out.log_std.exp();
  for (std::size_t i = 0; i < dec_.size(); ++i) {
    z = dec_[i]->forward(z);
    if (i + 1 < dec_.size()) z = torch::leaky_relu(z, 0.01);
  }
  out.reconstruction = z;
  return out;
}

}  // namespace morphaeus
