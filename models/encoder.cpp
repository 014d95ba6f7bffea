#include "models/encoder.h"

#include "models/batch_norm_swish.h"

namespace morphaeus {

EncoderImpl::EncoderImpl(const AutoencoderOptions& o) : act_(autoencoderActivation(o.act)) {
  o.validate();
  const int64_t padding = (o.kernel_size - 1) / 2;
  int64_t in = o.in_channels;
  const std::vector<int64_t> channels = o.encoderChannels();
  for (std::size_t i = 0; i < channels.size(); ++i) {
    const int64_t out = channels[i];
    auto conv = torch::nn::Conv2d(
        torch::nn::Conv2dOptions(in, out, o.kernel_size).stride(o.strides[i]).padding(padding));
    convs_.push_back(register_module("conv__encode_" + std::to_string(i), conv));
    if (o.norm == "batch") {
      norms_.push_back(
          register_module("conv__batch_" + std::to_string(i), torch::nn::BatchNorm2d(out)));
    }
    in = out;
  }
}

torch::Tensor EncoderImpl::forward(const torch::Tensor& x,
                                   std::vector<torch::Tensor>* conv_outputs) {
  torch::Tensor h = x;
  for (std::size_t i = 0; i < convs_.size(); ++i) {
    h = convs_[i]->forward(h);
    if (conv_outputs != nullptr) conv_outputs->push_back(h);
    h = normThenActivate(norms_.empty() ? nullptr : norms_[i].get(), act_, h);
  }
  return h;
}

}  // namespace morphaeus
