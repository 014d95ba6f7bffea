#include "models/conv_transpose.h"

#include <vector>

namespace morphaeus {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

std::vector<int64_t> vec(const c10::IValue& v) {
  return v.toIntVector();
}

struct ConvTransposeFunction : public torch::autograd::Function<ConvTransposeFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& weight, const torch::Tensor& bias,
                               std::vector<int64_t> out_size, std::vector<int64_t> stride,
                               std::vector<int64_t> padding) {
    const auto as_input = torch::empty(out_size, x.options());  // only its shape is read
    auto out =
        std::get<0>(at::convolution_backward(x, as_input, weight, c10::nullopt, stride, padding,
                                             {1, 1}, false, {0, 0}, 1, {true, false, false}));
    if (bias.defined()) out.add_(bias.view({1, -1, 1, 1}));
    ctx->save_for_backward({x, weight});
    ctx->saved_data["stride"] = stride;
    ctx->saved_data["padding"] = padding;
    ctx->saved_data["has_bias"] = bias.defined();
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto &x = saved[0], &weight = saved[1];
    const auto stride = vec(ctx->saved_data["stride"]), padding = vec(ctx->saved_data["padding"]);
    const torch::Tensor g = grads[0].contiguous();
    torch::Tensor gx, gw, gb;
    if (ctx->needs_input_grad(0)) gx = torch::conv2d(g, weight, {}, stride, padding);
    if (ctx->needs_input_grad(1)) {
      gw = std::get<1>(at::convolution_backward(x, g, weight, c10::nullopt, stride, padding, {1, 1},
                                                false, {0, 0}, 1, {false, true, false}));
    }
    if (ctx->saved_data["has_bias"].toBool() && ctx->needs_input_grad(2)) gb = g.sum({0, 2, 3});
    return {gx, gw, gb, torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor convTranspose2d(torch::nn::ConvTranspose2dImpl& m, const torch::Tensor& x,
                              int64_t stride, int64_t padding, int64_t output_padding) {
  // Off the CPU, and for a bf16 input from an autocast region (autocast casts the weights for
  // conv_transpose2d itself), LibTorch's own operator.
  if (!x.device().is_cpu() || x.dim() != 4 || x.scalar_type() != m.weight.scalar_type()) {
    return m.forward(x);
  }
  std::vector<int64_t> out_size{x.size(0), m.weight.size(1), 0, 0};
  for (int d = 0; d < 2; ++d) {
    out_size[2 + d] =
        (x.size(2 + d) - 1) * stride - 2 * padding + m.weight.size(2 + d) + output_padding;
  }
  return ConvTransposeFunction::apply(x, m.weight, m.bias, out_size,
                                      std::vector<int64_t>{stride, stride},
                                      std::vector<int64_t>{padding, padding});
}

}  // namespace morphaeus
