#include "models/conv_transpose.h"

#include <vector>

#include "core/base/torch_compat.h"

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
    // Only its shape (and memory format: channels_last stays channels_last) is read.
    const auto as_input = torch::empty(out_size, x.options(), x.suggest_memory_format());
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
    const torch::Tensor g = grads[0].contiguous(x.suggest_memory_format());
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
  // Off the CPU, LibTorch's own operator. In a CPU autocast region the operator runs in the
  // autocast dtype as autocast runs conv_transpose2d (input, weight and bias cast; the weight's
  // gradient flows back through the cast), but through oneDNN like the float32 path: LibTorch's
  // own bf16 transposed convolution takes its slow path, forward and backward.
  if (!x.device().is_cpu() || x.dim() != 4) return m.forward(x);
  c10::ScalarType dtype = m.weight.scalar_type();
  if (compat::autocastEnabled(c10::DeviceType::CPU) && x.is_floating_point())
    dtype = compat::autocastDtype(c10::DeviceType::CPU);
  const torch::Tensor xc = x.to(dtype), weight = m.weight.to(dtype);
  const torch::Tensor bias = m.bias.defined() ? m.bias.to(dtype) : m.bias;
  std::vector<int64_t> out_size{x.size(0), weight.size(1), 0, 0};
  for (int d = 0; d < 2; ++d) {
    out_size[2 + d] =
        (x.size(2 + d) - 1) * stride - 2 * padding + weight.size(2 + d) + output_padding;
  }
  return ConvTransposeFunction::apply(xc, weight, bias, out_size,
                                      std::vector<int64_t>{stride, stride},
                                      std::vector<int64_t>{padding, padding});
}

}  // namespace morphaeus
