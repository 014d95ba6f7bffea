#include "models/decoder.h"

#include "core/base/mixed_precision.h"
#include "models/batch_norm_swish.h"

namespace morphaeus {

DecoderImpl::DecoderImpl(const AutoencoderOptions& o) : act_(autoencoderActivation(o.act)) {
  o.validate();
  const int64_t padding = (o.kernel_size - 1) / 2;
  // Output channels: the encoder's reversed, then channels[0] (zip with reversed strides).
  const std::vector<int64_t> outs = o.decoderChannels();
  const std::vector<int64_t> strides(o.strides.rbegin(), o.strides.rend());
  int64_t in = o.channels.back();
  for (std::size_t i = 0; i < strides.size(); ++i) {
    if (i == 0 && o.bottleneck) continue;
    const std::string idx = std::to_string(i);
    Block b;
    if (o.deconv_mode == "stride") {
      b.upsample = strides[i];
      b.conv = register_module(
          "conv__decode_" + idx,
          torch::nn::Conv2d(torch::nn::Conv2dOptions(in, outs[i], o.kernel_size).padding(padding)));
    } else {
      b.deconv = register_module(
          "conv__decode_" + idx,
          torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(in, outs[i], o.kernel_size)
                                         .stride(strides[i])
                                         .padding(padding)
                                         .output_padding(1)));
    }
    if (o.norm == "batch") {
      b.norm = register_module("conv__batch_" + idx, torch::nn::BatchNorm2d(outs[i]));
    }
    blocks_.push_back(b);
    in = outs[i];
  }
  final_ = register_module("conv__decode_final",
                           torch::nn::Conv2d(torch::nn::Conv2dOptions(in, o.out_ch, 1)));
}

torch::Tensor DecoderImpl::forward(const torch::Tensor& z,
                                   std::vector<torch::Tensor>* conv_outputs) {
  namespace F = torch::nn::functional;
  torch::Tensor h = z;
  for (auto& b : blocks_) {
    if (b.conv) {
      if (b.upsample != 1) {
        const double s = static_cast<double>(b.upsample);
        h = F::interpolate(h, F::InterpolateFuncOptions()
                                  .scale_factor(std::vector<double>{s, s})
                                  .mode(torch::kBilinear)
                                  .align_corners(true));
      }
      h = b.conv->forward(h);
    } else {
      h = b.deconv->forward(h);
    }
    if (conv_outputs != nullptr) conv_outputs->push_back(h);
    h = normThenActivate(b.norm.get(), act_, h);
  }
  {
    const AutocastOff fp32(h.device().type());
    h = final_->forward(fullPrecision(h));
  }
  if (conv_outputs != nullptr) conv_outputs->push_back(h);
  return torch::sigmoid(h);
}

}  // namespace morphaeus
