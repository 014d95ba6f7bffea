#include "models/dense_conv_autoencoder.h"

namespace morphaeus {

DenseConvAutoEncoderImpl::DenseConvAutoEncoderImpl(const AutoencoderOptions& o) {
  namespace nn = torch::nn;
  encoder_ = register_module("encoder", Encoder(o));
  decoder_ = register_module("decoder", Decoder(o));
  constexpr std::int64_t flat = kBottleneckChannels * kBottleneckPixels;
  lin_enc_ = register_module(
      "lin_enc", nn::Conv2d(nn::Conv2dOptions(o.channels.back(), kBottleneckChannels, 1)));
  lin_lay_enc_ = register_module("lin_lay_enc", nn::Linear(flat, kCode));
  lin_lay_dec_ = register_module("lin_lay_dec", nn::Linear(kCode, flat));
  lin_dec_ = register_module(
      "lin_dec", nn::Conv2d(nn::Conv2dOptions(kBottleneckChannels, o.channels.back(), 1)));
}

ConvAutoEncoderOutput DenseConvAutoEncoderImpl::forward(const torch::Tensor& x) {
  const auto h = lin_enc_->forward(encoder_->forward(x));
  TORCH_CHECK(h[0].numel() == kBottleneckChannels * kBottleneckPixels,
              "DenseConvAutoEncoderBaur: the bottleneck must hold ", kBottleneckChannels, " x ",
              kBottleneckSide, " x ", kBottleneckSide,
              " values (128x128 inputs with four stride-2 blocks), got ", h.sizes().slice(1));
  ConvAutoEncoderOutput out;
  out.z = lin_lay_enc_->forward(h.flatten(1));
  out.reconstruction =
      decoder_->forward(lin_dec_->forward(lin_lay_dec_->forward(out.z).view(h.sizes())));
  return out;
}

}  // namespace morphaeus
