#include "models/beta_vae.h"

namespace morphaeus {

BetaVAEImpl::BetaVAEImpl(const BetaVaeOptions& options)
    : z_dim_(options.z_dim), eval_sampling_(options.eval_sampling) {
  const int64_t z_dim = options.z_dim, nc = options.nc;
  namespace nn = torch::nn;
  auto down = [](int64_t in, int64_t out) {
    return nn::Conv2d(nn::Conv2dOptions(in, out, 4).stride(2).padding(1));
  };
  auto up = [](int64_t in, int64_t out) {
    return nn::ConvTranspose2d(nn::ConvTranspose2dOptions(in, out, 4).stride(2).padding(1));
  };
  const auto relu = [] { return nn::ReLU(); };
  encoder_ = register_module(
      "encoder",
      nn::Sequential(down(nc, 32), relu(), down(32, 32), relu(), down(32, 32), relu(), down(32, 32),
                     relu(), down(32, 32), relu(), nn::Conv2d(nn::Conv2dOptions(32, 256, 4)),
                     relu(), nn::Functional([](const torch::Tensor& t) {
                       return t.reshape({-1, 256});
                     }),
                     nn::Linear(256, 2 * z_dim)));
  decoder_ = register_module(
      "decoder", nn::Sequential(nn::Linear(z_dim, 256), nn::Functional([](const torch::Tensor& t) {
                                  return t.reshape({-1, 256, 1, 1});
                                }),
                                relu(), nn::ConvTranspose2d(nn::ConvTranspose2dOptions(256, 32, 4)),
                                relu(), up(32, 32), relu(), up(32, 32), relu(), up(32, 32), relu(),
                                up(32, 32), relu(), up(32, nc)));
  torch::NoGradGuard no_grad;
  for (auto& m : modules(/*include_self=*/false)) {
    if (auto* conv = m->as<nn::Conv2d>()) {
      nn::init::kaiming_normal_(conv->weight);
      conv->bias.zero_();
    } else if (auto* linear = m->as<nn::Linear>()) {
      nn::init::kaiming_normal_(linear->weight);
      linear->bias.zero_();
    }
  }
}

BetaVaeOutput BetaVAEImpl::forward(const torch::Tensor& x, bool sample) {
  const auto d = encoder_->forward(x);
  BetaVaeOutput out;
  out.mu = d.narrow(1, 0, z_dim_);
  out.logvar = d.narrow(1, z_dim_, z_dim_);
  torch::Tensor z = out.mu;
  if (sample)
    z = torch::randn(out.mu.sizes(), out.mu.options()) * (0.5 * out.logvar).exp() + out.mu;
  out.reconstruction = decoder_->forward(z);
  return out;
}

}  // namespace morphaeus
