#include "models/conv_autoencoder.h"

namespace morphaeus {

ConvAutoEncoderImpl::ConvAutoEncoderImpl(const AutoencoderOptions& options) {
  encoder_ = register_module("encoder", Encoder(options));
  decoder_ = register_module("decoder", Decoder(options));
}

ConvAutoEncoderOutput ConvAutoEncoderImpl::forward(const torch::Tensor& x) {
  ConvAutoEncoderOutput out;
  out.z = encoder_->forward(x);
  out.reconstruction = decoder_->forward(out.z);
  return out;
}

}  // namespace morphaeus
