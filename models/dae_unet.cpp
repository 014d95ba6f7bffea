#include "models/dae_unet.h"

#include <algorithm>
#include <cmath>

#include "core/base/mixed_precision.h"

namespace morphaeus {

torch::Tensor WSConv2dImpl::forward(const torch::Tensor& x) {
  auto w = weight - weight.mean({1, 2, 3}, /*keepdim=*/true);
  const auto std = w.reshape({w.size(0), -1}).std(1).reshape({-1, 1, 1, 1}) + 1e-5;
  w = w / std;
  // Padding 0 always (the blocks pad by reflection before): upstream's WNConv2d has none.
  // Under autocast the convolution runs in bf16; its output goes on in float32, as the GroupNorm
  // after it needs (LibTorch's CPU group_norm takes no bf16 input with float32 weights).
  return fullPrecision(torch::conv2d(x, w, bias, options.stride(), std::vector<int64_t>{0, 0},
                                     options.dilation(), options.groups()));
}

int64_t groupNormGroups(int64_t channels) {
  std::vector<int64_t> divisors;
  for (int64_t i = 1; i <= static_cast<int64_t>(std::sqrt(static_cast<double>(channels))); ++i) {
    if (channels % i != 0) continue;
    divisors.push_back(i);
    if (i != channels / i) divisors.push_back(channels / i);
  }
  std::sort(divisors.begin(), divisors.end());
  return divisors[divisors.size() / 2];
}

torch::nn::Sequential DaeUNetImpl::convBlock(int64_t in, int64_t out) const {
  namespace nn = torch::nn;
  nn::Sequential block;
  for (int k = 0; k < 2; ++k) {
    if (options_.padding) block->push_back(nn::ReflectionPad2d(1));
    block->push_back(WSConv2d(nn::Conv2dOptions(k == 0 ? in : out, out, 3)));
    block->push_back(nn::Functional([](const torch::Tensor& t) { return t * torch::sigmoid(t); }));
    if (options_.norm == "batch") block->push_back(nn::BatchNorm2d(out));
    if (options_.norm == "group") block->push_back(nn::GroupNorm(groupNormGroups(out), out));
  }
  return block;
}

DaeUNetImpl::DaeUNetImpl(const DaeUNetOptions& o) : options_(o) {
  namespace nn = torch::nn;
  TORCH_CHECK(o.depth >= 1 && o.wf >= 0, "UNet: depth >= 1 and wf >= 0");
  nn::ModuleList down_path, up_path;
  int64_t prev = o.in_channels;
  for (int64_t i = 0; i < o.depth; ++i) {
    const int64_t c = int64_t{1} << (o.wf + i);
    auto holder = std::make_shared<nn::Module>();
    down_.push_back(holder->register_module("block", convBlock(prev, c)));
    down_path->push_back(holder);
    prev = c;
  }
  for (int64_t i = o.depth - 2; i >= 0; --i) {
    const int64_t c = int64_t{1} << (o.wf + i);
    auto holder = std::make_shared<nn::Module>();
    up_.push_back(holder->register_module(
        "up", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(prev, c, 2).stride(2))));
    auto conv_block = std::make_shared<nn::Module>();
    up_blocks_.push_back(conv_block->register_module("block", convBlock(prev, c)));
    holder->register_module("conv_block", conv_block);
    up_path->push_back(holder);
    prev = c;
  }
  register_module("down_path", down_path);
  register_module("up_path", up_path);
  last_ = register_module("last", nn::Conv2d(nn::Conv2dOptions(prev, o.n_classes, 1)));
}

torch::Tensor DaeUNetImpl::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> skips;
  torch::Tensor h = x;
  for (std::size_t i = 0; i < down_.size(); ++i) {
    h = down_[i]->forward(h);
    skips.push_back(h);
    if (i + 1 < down_.size()) h = torch::avg_pool2d(h, 2);
  }
  for (std::size_t i = 0; i < up_.size(); ++i) {
    const auto up = up_[i]->forward(h);
    const auto& bridge = skips[skips.size() - 2 - i];
    const int64_t dy = (bridge.size(2) - up.size(2)) / 2, dx = (bridge.size(3) - up.size(3)) / 2;
    const auto crop = bridge.narrow(2, dy, up.size(2)).narrow(3, dx, up.size(3));
    h = up_blocks_[i]->forward(torch::cat({up, crop}, 1));
  }
  return last_->forward(h);
}

}  // namespace morphaeus
