#include "core/commands/bench/flop_counter.h"

#include <ATen/record_function.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace morphaeus {
namespace {

std::atomic<double> g_flops{0};
std::atomic<bool> g_active{false};

void add(double f) {
  double old = g_flops.load();
  while (!g_flops.compare_exchange_weak(old, old + f)) {
  }
}

std::vector<int64_t> ints(const c10::IValue& v) {
  return v.isIntList() ? v.toIntVector() : std::vector<int64_t>{};
}

// aten::convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
// groups) and aten::convolution_backward(grad_output, input, weight, bias_sizes, stride, padding,
// dilation, transposed, output_padding, groups, output_mask): the forward's cost from input and
// weight; the backward pays it once per gradient it computes (input, weight).
double convolutionOp(c10::ArrayRef<const c10::IValue> in, std::size_t first, double times) {
  if (in.size() < first + 9 || !in[first].isTensor() || !in[first + 1].isTensor()) return 0;
  const at::Tensor& x = in[first].toTensor();
  const at::Tensor& w = in[first + 1].toTensor();
  if (!x.defined() || !w.defined() || x.dim() != w.dim() || x.dim() < 3) return 0;
  const int64_t dims = x.dim() - 2;
  auto spatial = [&](const c10::IValue& v, int64_t fill) {
    std::vector<int64_t> s = ints(v);
    if (s.size() == 1) s.assign(static_cast<std::size_t>(dims), s[0]);
    if (static_cast<int64_t>(s.size()) != dims) s.assign(static_cast<std::size_t>(dims), fill);
    return s;
  };
  const auto stride = spatial(in[first + 3], 1), padding = spatial(in[first + 4], 0),
             dilation = spatial(in[first + 5], 1);
  const bool transposed = in[first + 6].isBool() && in[first + 6].toBool();
  const int64_t groups = in[first + 8].isInt() ? in[first + 8].toInt() : 1;
  return times * convolutionFlops(x.sizes().data(), w.sizes().data(), dims, stride.data(),
                                  padding.data(), dilation.data(), transposed, groups);
}

double matmulOp(const char* name, c10::ArrayRef<const c10::IValue> in) {
  auto shape = [&](std::size_t i) {
    return i < in.size() && in[i].isTensor() && in[i].toTensor().defined()
               ? in[i].toTensor().sizes().vec()
               : std::vector<int64_t>{};
  };
  const bool addmm = std::strcmp(name, "aten::addmm") == 0;
  const auto a = shape(addmm ? 1 : 0), b = shape(addmm ? 2 : 1);
  if (std::strcmp(name, "aten::bmm") == 0) {
    if (a.size() != 3 || b.size() != 3) return 0;
    return 2.0 * a[0] * a[1] * a[2] * b[2];
  }
  if (a.size() != 2 || b.size() != 2) return 0;
  return 2.0 * a[0] * a[1] * b[1];
}

std::unique_ptr<at::ObserverContext> onOperator(const at::RecordFunction& fn) {
  if (!g_active.load(std::memory_order_relaxed)) return nullptr;
  const char* name = fn.name();
  if (name == nullptr || std::strncmp(name, "aten::", 6) != 0) return nullptr;
  const auto in = fn.inputs();
  if (std::strcmp(name, "aten::convolution") == 0) {
    add(convolutionOp(in, 0, 1));
  } else if (std::strcmp(name, "aten::convolution_backward") == 0) {
    double times = 0;
    if (in.size() == 11 && in[10].isBoolList()) {
      const auto mask = in[10].toBoolList();
      times = static_cast<double>(mask.get(0)) + static_cast<double>(mask.get(1));
    }
    add(convolutionOp(in, 1, times));
  } else if (std::strcmp(name, "aten::mm") == 0 || std::strcmp(name, "aten::addmm") == 0 ||
             std::strcmp(name, "aten::bmm") == 0) {
    add(matmulOp(name, in));
  }
  return nullptr;
}

}  // namespace

double convolutionFlops(const int64_t* input, const int64_t* weight, int64_t dims,
                        const int64_t* stride, const int64_t* padding, const int64_t* dilation,
                        bool transposed, int64_t groups) {
  double taps = 1;  // kernel elements
  for (int64_t d = 0; d < dims; ++d) taps *= static_cast<double>(weight[2 + d]);
  const double n = static_cast<double>(input[0]);
  if (transposed) {  // weight [C_in, C_out / groups, k...]: every input pixel x every output map
    double pixels = 1;
    for (int64_t d = 0; d < dims; ++d) pixels *= static_cast<double>(input[2 + d]);
    return 2 * n * static_cast<double>(input[1]) * pixels * static_cast<double>(weight[1]) * taps;
  }
  double pixels = 1;  // of the output
  for (int64_t d = 0; d < dims; ++d) {
    const int64_t out =
        (input[2 + d] + 2 * padding[d] - dilation[d] * (weight[2 + d] - 1) - 1) / stride[d] + 1;
    pixels *= static_cast<double>(std::max<int64_t>(out, 0));
  }
  const double in_per_group = static_cast<double>(input[1]) / static_cast<double>(groups);
  return 2 * n * static_cast<double>(weight[0]) * pixels * in_per_group * taps;
}

FlopCounter::FlopCounter() {
  if (g_active.exchange(true)) throw std::logic_error("FlopCounter: one counter at a time");
  g_flops = 0;
  handle_ = at::addGlobalCallback(at::RecordFunctionCallback(&onOperator)
                                      .needsInputs(true)
                                      .scopes({at::RecordScope::FUNCTION}));
}

FlopCounter::~FlopCounter() {
  at::removeCallback(handle_);
  g_active = false;
}

double FlopCounter::flops() const {
  return g_flops.load();
}

}  // namespace morphaeus
