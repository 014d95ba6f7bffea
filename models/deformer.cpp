#include "models/deformer.h"

#include "core/base/mixed_precision.h"
#include "models/batch_norm_swish.h"

#include "models/conv_transpose.h"

namespace morphaeus {

DeformerImpl::DeformerImpl(const DeformerOptions& o)
    : act_(deformerActivation(o.act)), bidir_(o.bidir) {
  TORCH_CHECK(o.channels.size() >= 2, "Deformer: needs at least two channel entries");
  const int64_t padding = (o.kernel_size - 1) / 2;
  // Encoder features of each level: channels reversed without the deepest; decoder features:
  // channels[1:] reversed. Later levels also see the previous level's 32 channels.
  const std::vector<int64_t> enc(o.channels.rbegin() + 1, o.channels.rend());
  const std::vector<int64_t> dec(o.channels.rbegin(), o.channels.rend() - 1);
  const std::vector<int64_t> strides(o.strides.rbegin(), o.strides.rend());
  auto seq = register_module("deformerNN", torch::nn::Sequential());
  const std::size_t n = std::min(dec.size(), strides.size());
  for (std::size_t i = 0; i < n; ++i) {
    const std::string idx = std::to_string(i);
    const int64_t in = dec[i] + enc[i] + (i > 0 ? 32 : 0);
    Level level;
    level.stride = strides[i];
    level.padding = padding;
    level.deconv =
        torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(in, 32, o.kernel_size)
                                       .stride(strides[i])
                                       .padding(padding)
                                       .output_padding(1));
    seq->push_back("ref__refine_" + idx, level.deconv);
    if (o.norm == "batch") {
      level.norm = torch::nn::BatchNorm2d(32);
      seq->push_back("ref__batch_" + idx, level.norm);
    }
    levels_.push_back(level);
  }
  flow_ = register_module("flow", torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 2, 3).padding(1)));
  {
    torch::NoGradGuard no_grad;
    flow_->weight.normal_(0.0, 1e-5);
    flow_->bias.zero_();
  }
  integrate_ = register_module("integrate", VecInt(o.inshape, o.int_steps, o.warp));
  transformer_ = register_module("transformer", SpatialTransformer(o.inshape, o.warp));
}

void DeformerImpl::setWarpMode(WarpMode mode) {
  integrate_->setMode(mode);
  transformer_->setMode(mode);
}

DeformerOutput DeformerImpl::forward(const torch::Tensor& x, const torch::Tensor& x_prior,
                                     const std::vector<torch::Tensor>& encode_history,
                                     const std::vector<torch::Tensor>& decode_history,
                                     bool reverse) {
  TORCH_CHECK(encode_history.size() >= levels_.size() && decode_history.size() >= levels_.size(),
              "Deformer: not enough feature history for ", levels_.size(), " refinement levels");
  std::size_t at = encode_history.size() - levels_.size();
  torch::Tensor h;
  for (std::size_t i = 0; i < levels_.size(); ++i, ++at) {
    torch::Tensor in = i == 0 ? torch::cat({encode_history[at], decode_history[at]}, 1)
                              : torch::cat({encode_history[at], decode_history[at], h}, 1);
    Level& level = levels_[i];
    h = convTranspose2d(*level.deconv, in, level.stride, level.padding, 1);
    h = normThenActivate(level.norm.get(), act_, h);
  }
  DeformerOutput out;
  {
    const AutocastOff fp32(h.device().type());
    out.velocity = flow_->forward(fullPrecision(h));
  }
  out.deformation = integrate_->forward(out.velocity);
  out.y_source = transformer_->forward(x_prior, out.deformation);
  if (reverse) {
    out.y_target =
        bidir_ ? transformer_->forward(x, integrate_->forward(-out.velocity)) : out.y_source;
  }
  return out;
}

}  // namespace morphaeus
