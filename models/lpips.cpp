#include "models/lpips.h"

#include <string>

namespace morphaeus {

LpipsImpl::LpipsImpl() {
  net_ = register_module("net", AlexNetFeatures());
  const int64_t channels[] = {64, 192, 384, 256, 256};
  for (int k = 0; k < 5; ++k) {
    namespace nn = torch::nn;
    // lin<k>.model = Sequential(Dropout, Conv2d): the package's NetLinLayer (dropout is off in
    // eval).
    auto holder = std::make_shared<torch::nn::Module>();
    lins_.push_back(holder->register_module(
        "model", nn::Sequential(nn::Dropout(),
                                nn::Conv2d(nn::Conv2dOptions(channels[k], 1, 1).bias(false)))));
    register_module("lin" + std::to_string(k), holder);
  }
}

torch::Tensor LpipsImpl::forward(const torch::Tensor& a, const torch::Tensor& b, bool normalize) {
  const auto shift = torch::tensor({-.030, -.088, -.188}, a.options()).view({1, 3, 1, 1});
  const auto scale = torch::tensor({.458, .448, .450}, a.options()).view({1, 3, 1, 1});
  auto prepare = [&](const torch::Tensor& t) {
    const auto rgb = t.size(1) == 1 ? t.expand({t.size(0), 3, t.size(2), t.size(3)}) : t;
    return ((normalize ? 2 * rgb - 1 : rgb) - shift) / scale;
  };
  const auto fa = net_->forward(prepare(a)), fb = net_->forward(prepare(b));
  auto unit = [](const torch::Tensor& f) { return f / (f.pow(2).sum(1, true).sqrt() + 1e-10); };
  torch::Tensor total = torch::zeros({a.size(0)}, a.options());
  for (std::size_t k = 0; k < fa.size(); ++k) {
    const auto diff = (unit(fa[k]) - unit(fb[k])).pow(2);
    total = total + lins_[k]->forward(diff).mean({1, 2, 3});
  }
  return total;
}

}  // namespace morphaeus
