#include "models/morphaeus.h"

namespace morphaeus {

MorphAEusImpl::MorphAEusImpl(const MorphAEusOptions& o) {
  const auto& ae = o.autoencoder;
  ae.validate();
  TORCH_CHECK(
      o.nr_ref_channels >= 1 && static_cast<std::size_t>(o.nr_ref_channels) < ae.channels.size(),
      "MorphAEus: nr_ref_channels must be between 1 and len(channels) - 1");
  TORCH_CHECK(ae.strides.size() == ae.channels.size(), "MorphAEus: one stride per channel entry");
  TORCH_CHECK(o.inshape.size() == 2, "MorphAEus: inshape must be (rows, cols)");
  int64_t reduction = 1;
  for (auto s : ae.strides) reduction *= s;
  TORCH_CHECK(reduction == o.inshape[0] && reduction == o.inshape[1],
              "MorphAEus: the encoder must reduce inshape to 1 pixel (product of strides = ",
              reduction, ", inshape = ", o.inshape[0], "x", o.inshape[1], ")");
  encoder_ = register_module("encoder", Encoder(ae));
  decoder_ = register_module("decoder", Decoder(ae));
  DeformerOptions d;
  d.inshape = o.inshape;
  d.channels.assign(ae.channels.begin(), ae.channels.begin() + o.nr_ref_channels + 1);
  d.strides = ae.strides;
  d.kernel_size = ae.kernel_size;
  d.norm = ae.norm;
  d.act = ae.act;
  d.bidir = o.bidir;
  d.warp = o.warp;
  deformer_ = register_module("deformer", Deformer(d));
}

MorphAEusOutput MorphAEusImpl::forward(const torch::Tensor& x, bool registration) {
  return run(x, registration, /*reverse=*/!registration);  // registration returns y_source twice
}

torch::Tensor MorphAEusImpl::reconstruct(const torch::Tensor& x) {
  return run(x, false, false).reconstruction;
}

MorphAEusOutput MorphAEusImpl::run(const torch::Tensor& x, bool registration, bool reverse) {
  std::vector<torch::Tensor> enc_convs, dec_convs;
  const torch::Tensor z = encoder_->forward(x, &enc_convs);
  const torch::Tensor x_prior = decoder_->forward(z, &dec_convs);

  // Skip histories as upstream: encoder conv outputs larger than 1 px, coarsest first; for each,
  // the decoder conv output of the same width, in decoding order.
  std::vector<torch::Tensor> enc_hist, dec_hist;
  for (auto it = enc_convs.rbegin(); it != enc_convs.rend(); ++it)
    if (it->size(-1) != 1) enc_hist.push_back(*it);
  for (const auto& d : dec_convs) {
    if (dec_hist.size() < enc_hist.size() && enc_hist[dec_hist.size()].size(-1) == d.size(-1)) {
      dec_hist.push_back(d);
    }
  }

  DeformerOutput d = deformer_->forward(x, x_prior, enc_hist, dec_hist, reverse);
  MorphAEusOutput out;
  out.reconstruction = d.y_source;
  out.x_prior = x_prior;
  out.velocity_or_deformation = registration ? d.deformation : d.velocity;
  out.x_reversed = registration ? d.y_source : d.y_target;
  return out;
}

}  // namespace morphaeus
