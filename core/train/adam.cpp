#include "core/train/adam.h"

#include <ATen/Parallel.h>
#include <c10/util/StringUtil.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "core/base/cpu_kernels.h"
#include "core/base/torch_compat.h"
#include "core/checkpoint/checked_value.h"

namespace morphaeus {
namespace {

// The fused kernel applies to float32 CPU tensors that share one dense memory layout (the
// moments are made with the parameter's layout; a resumed state is contiguous and falls back).
bool fusable(const torch::Tensor& p, const torch::Tensor& g, const torch::Tensor& m,
             const torch::Tensor& v, const torch::Tensor& vmax) {
  auto same = [&](const torch::Tensor& t) {
    return !t.defined() ||
           (t.device().is_cpu() && t.scalar_type() == torch::kFloat && t.strides() == p.strides());
  };
  return p.device().is_cpu() && p.scalar_type() == torch::kFloat &&
         p.is_non_overlapping_and_dense() && same(g) && same(m) && same(v) && same(vmax) &&
         g.defined() && !g.is_sparse();
}

}  // namespace

Adam::Adam(std::vector<torch::Tensor> params, AdamOptions options)
    : params_(std::move(params)), state_(params_.size()), options_(options) {}

void Adam::zeroGrad() {
  for (auto& p : params_) {
    if (p.grad().defined()) p.mutable_grad() = torch::Tensor();
  }
}

void Adam::setLr(double lr) {
  options_.lr = lr;
  if (lr_t_.defined()) lr_t_.fill_(lr);
}

void Adam::makeCapturable() {
  capturable_ = true;
  for (std::size_t i = 0; i < state_.size(); ++i) {
    const auto options = params_[i].options().dtype(torch::kFloat);
    if (!lr_t_.defined()) lr_t_ = torch::full({}, options_.lr, options);
    state_[i].step_t = torch::full({}, static_cast<double>(state_[i].step), options);
  }
}

int64_t Adam::stepsOf(const State& s) const {
  return s.step_t.defined() ? static_cast<int64_t>(s.step_t.item<double>()) : s.step;
}

// The bias corrections from the step count on the device, so nothing on the host changes
// between steps: what torch.optim.Adam's capturable single-tensor path computes.
void Adam::stepCapturable(torch::Tensor& p, torch::Tensor grad, State& s) {
  const double b1 = options_.beta1, b2 = options_.beta2;
  s.step_t.add_(1);
  if (options_.weight_decay != 0) grad = grad.add(p, options_.weight_decay);
  compat::adamFirstMoment(s.exp_avg, grad, b1);
  s.exp_avg_sq.mul_(b2).addcmul_(grad, grad, 1 - b2);
  const torch::Tensor bias_correction1 = 1 - torch::pow(b1, s.step_t);
  const torch::Tensor bias_correction2_sqrt = (1 - torch::pow(b2, s.step_t)).sqrt();
  const torch::Tensor step_size = lr_t_ / bias_correction1;
  const torch::Tensor& second =
      options_.amsgrad ? torch::maximum_out(s.max_exp_avg_sq, s.max_exp_avg_sq, s.exp_avg_sq)
                       : s.exp_avg_sq;
  const torch::Tensor denom = (second.sqrt() / bias_correction2_sqrt).add_(options_.eps);
  p.addcdiv_(s.exp_avg * step_size, denom, -1);
}

void Adam::step() {
  torch::NoGradGuard no_grad;
  const double b1 = options_.beta1, b2 = options_.beta2;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    torch::Tensor& p = params_[i];
    if (!p.grad().defined()) continue;
    torch::Tensor grad = options_.maximize ? -p.grad() : p.grad();
    State& s = state_[i];
    if (!s.exp_avg.defined()) {
      s.exp_avg = torch::zeros_like(p, torch::MemoryFormat::Preserve);
      s.exp_avg_sq = torch::zeros_like(p, torch::MemoryFormat::Preserve);
      if (options_.amsgrad) s.max_exp_avg_sq = torch::zeros_like(p, torch::MemoryFormat::Preserve);
    }
    if (capturable_) {
      stepCapturable(p, grad, s);
      continue;
    }
    ++s.step;
    // The fused kernel rounds the first moment as 1.13's mul/add; where this LibTorch's Adam uses
    // lerp (2.x), the tensor operations below run instead.
    if (options_.fused && !compat::kAdamFirstMomentByLerp &&
        fusable(p, p.grad(), s.exp_avg, s.exp_avg_sq, s.max_exp_avg_sq)) {
      stepFused(p, s);
      continue;
    }
    if (options_.weight_decay != 0) grad = grad.add(p, options_.weight_decay);
    compat::adamFirstMoment(s.exp_avg, grad, b1);
    s.exp_avg_sq.mul_(b2).addcmul_(grad, grad, 1 - b2);
    const double step = static_cast<double>(s.step);
    const double bias_correction1 = 1 - std::pow(b1, step);
    const double bias_correction2_sqrt = std::sqrt(1 - std::pow(b2, step));
    const double step_size = options_.lr / bias_correction1;
    torch::Tensor denom;
    if (options_.amsgrad) {
      torch::maximum_out(s.max_exp_avg_sq, s.max_exp_avg_sq, s.exp_avg_sq);
      denom = (s.max_exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(options_.eps);
    } else {
      denom = (s.exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(options_.eps);
    }
    p.addcdiv_(s.exp_avg, denom, -step_size);
  }
}

namespace {

struct AdamScalars {
  float b1, b2, one_b1, one_b2, wd, eps, bias_correction2_sqrt, neg_step_size;
  bool maximize, amsgrad;
};
struct AdamPointers {
  float *p, *m, *v, *vmax;
  const float* g;
};

// The update of step() element by element, its float32 operations in ATen's order: add with
// alpha and the weight decay as a fused multiply-add where ATen's vector kernels use one (kFma:
// its AVX2/AVX-512 kernels; not in its default kernels), addcmul and addcdiv as separate
// operations. The file is compiled with -ffp-contract=off, so nothing else is fused.
template <bool kFma>
inline __attribute__((always_inline)) void adamRange(const AdamScalars& c, const AdamPointers& a,
                                                     int64_t begin, int64_t end) {
  auto madd = [](float x, float y, float z) { return kFma ? std::fma(x, y, z) : x * y + z; };
  for (int64_t i = begin; i < end; ++i) {
    float g = c.maximize ? -a.g[i] : a.g[i];
    if (c.wd != 0) g = madd(a.p[i], c.wd, g);
    const float m = madd(g, c.one_b1, a.m[i] * c.b1);
    const float v = a.v[i] * c.b2 + c.one_b2 * g * g;
    a.m[i] = m;
    a.v[i] = v;
    float second = v;
    if (c.amsgrad) second = a.vmax[i] = std::max(a.vmax[i], v);
    const float denom = std::sqrt(second) / c.bias_correction2_sqrt + c.eps;
    a.p[i] = a.p[i] + c.neg_step_size * m / denom;
  }
}

void adamRangePortable(const AdamScalars& c, const AdamPointers& a, int64_t begin, int64_t end) {
  adamRange<false>(c, a, begin, end);
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,fma"))) void adamRangeAvx2(const AdamScalars& c, const AdamPointers& a,
                                                       int64_t begin, int64_t end) {
  adamRange<true>(c, a, begin, end);
}
#endif

// ATen's own choice of kernel variant (core/base/cpu_kernels.h).
using AdamKernel = void (*)(const AdamScalars&, const AdamPointers&, int64_t, int64_t);
AdamKernel adamKernel() {
  static const AdamKernel k = [] {
#if defined(__x86_64__) && defined(__GNUC__)
    if (useAvx2FmaKernels()) return &adamRangeAvx2;
#endif
    return &adamRangePortable;
  }();
  return k;
}

}  // namespace

// One pass over the parameter, gradient and moments (instead of eight tensor operations).
void Adam::stepFused(torch::Tensor& p, State& s) {
  AdamScalars c{};
  c.b1 = static_cast<float>(options_.beta1);
  c.b2 = static_cast<float>(options_.beta2);
  c.one_b1 = static_cast<float>(1 - options_.beta1);
  c.one_b2 = static_cast<float>(1 - options_.beta2);
  c.wd = static_cast<float>(options_.weight_decay);
  c.eps = static_cast<float>(options_.eps);
  const double step = static_cast<double>(s.step);
  c.bias_correction2_sqrt = static_cast<float>(std::sqrt(1 - std::pow(options_.beta2, step)));
  c.neg_step_size = static_cast<float>(-(options_.lr / (1 - std::pow(options_.beta1, step))));
  c.maximize = options_.maximize;
  c.amsgrad = options_.amsgrad;
  AdamPointers a{};
  a.p = p.data_ptr<float>();
  a.g = p.grad().data_ptr<float>();
  a.m = s.exp_avg.data_ptr<float>();
  a.v = s.exp_avg_sq.data_ptr<float>();
  a.vmax = c.amsgrad ? s.max_exp_avg_sq.data_ptr<float>() : nullptr;
  const AdamKernel kernel = adamKernel();
  at::parallel_for(0, p.numel(), 1 << 15,
                   [&](int64_t begin, int64_t end) { kernel(c, a, begin, end); });
}

c10::IValue Adam::stateDict() const {
  c10::impl::GenericDict state(c10::IntType::get(), c10::AnyType::get());
  for (std::size_t i = 0; i < state_.size(); ++i) {
    const State& s = state_[i];
    if (!s.exp_avg.defined()) continue;
    c10::impl::GenericDict entry(c10::StringType::get(), c10::AnyType::get());
    entry.insert("step", torch::tensor(static_cast<float>(stepsOf(s))));
    entry.insert("exp_avg", s.exp_avg.detach().cpu());
    entry.insert("exp_avg_sq", s.exp_avg_sq.detach().cpu());
    if (s.max_exp_avg_sq.defined()) entry.insert("max_exp_avg_sq", s.max_exp_avg_sq.detach().cpu());
    state.insert(static_cast<int64_t>(i), entry);
  }
  c10::impl::GenericDict group(c10::StringType::get(), c10::AnyType::get());
  group.insert("lr", options_.lr);
  group.insert("betas", c10::ivalue::Tuple::create({options_.beta1, options_.beta2}));
  group.insert("eps", options_.eps);
  group.insert("weight_decay", options_.weight_decay);
  group.insert("amsgrad", options_.amsgrad);
  group.insert("maximize", options_.maximize);
  group.insert("foreach", c10::IValue());
  group.insert("capturable", false);
  group.insert("differentiable", false);
  group.insert("fused", false);
  c10::impl::GenericList ids(c10::IntType::get());
  for (std::size_t i = 0; i < params_.size(); ++i) ids.push_back(static_cast<int64_t>(i));
  group.insert("params", ids);
  c10::impl::GenericList groups(c10::AnyType::get());
  groups.push_back(group);
  c10::impl::GenericDict out(c10::StringType::get(), c10::AnyType::get());
  out.insert("state", state);
  out.insert("param_groups", groups);
  return out;
}

void Adam::loadStateDict(const c10::IValue& value, const std::string& file,
                         const std::string& key) {
  const CheckedValue root(value, file, key);
  const std::vector<CheckedValue> groups = root.at("param_groups").sequence();
  if (groups.size() != 1) {
    root.at("param_groups")
        .fail("expected one parameter group, got " + std::to_string(groups.size()));
  }
  const CheckedValue& group = groups[0];
  const std::size_t n = group.at("params").sequence().size();
  if (n != params_.size()) {
    group.at("params").fail("holds " + std::to_string(n) + " parameters, the model part has " +
                            std::to_string(params_.size()));
  }
  AdamOptions o = options_;
  auto number = [&](const char* k, double& out) {
    if (auto v = group.find(k)) out = v->number();
  };
  number("lr", o.lr);
  number("eps", o.eps);
  number("weight_decay", o.weight_decay);
  if (auto betas = group.find("betas")) {
    const auto b = betas->sequence();
    if (b.size() != 2) betas->fail("expected two betas, got " + std::to_string(b.size()));
    o.beta1 = b[0].number();
    o.beta2 = b[1].number();
  }
  if (auto v = group.find("amsgrad")) o.amsgrad = v->boolean();
  if (auto v = group.find("maximize")) o.maximize = v->boolean();
  // Kernel and scheduler choices: checked for their type, no effect on the update.
  for (const char* k : {"foreach", "capturable", "differentiable", "fused"}) {
    if (auto v = group.find(k)) (void)v->optionalBoolean();
  }
  if (auto v = group.find("initial_lr")) (void)v->number();
  if (!(o.lr >= 0) || !(o.eps >= 0) || !(o.weight_decay >= 0) || !(o.beta1 >= 0 && o.beta1 < 1) ||
      !(o.beta2 >= 0 && o.beta2 < 1)) {
    group.fail("hyper-parameters out of range (lr, eps, weight_decay >= 0; 0 <= betas < 1)");
  }

  std::vector<State> states(params_.size());
  for (const auto& indexed : root.at("state").entries()) {
    const auto& index = indexed.first;
    const auto& entry = indexed.second;  // a plain reference: lambdas below capture it
    if (!index.isInt()) entry.fail("state keys must be parameter indices");
    const int64_t i = index.toInt();
    if (i < 0 || i >= static_cast<int64_t>(params_.size()))
      entry.fail("state for parameter " + std::to_string(i) + " of " + std::to_string(n));
    const torch::Tensor& p = params_[static_cast<std::size_t>(i)];
    auto moment = [&](const char* k) {
      auto v = entry.find(k);
      if (!v) return torch::Tensor();
      const torch::Tensor t = v->tensor();
      if (t.sizes() != p.sizes()) {
        v->fail("shape [" + c10::Join(", ", t.sizes()) + "], the parameter has [" +
                c10::Join(", ", p.sizes()) + "]");
      }
      if (!t.is_floating_point()) v->fail("expected a floating-point tensor");
      return t.to(p.device(), p.scalar_type()).clone();
    };
    State& st = states[static_cast<std::size_t>(i)];
    st.step = entry.at("step").integer();
    if (st.step < 0) entry.at("step").fail("a negative step count");
    st.exp_avg = moment("exp_avg");
    st.exp_avg_sq = moment("exp_avg_sq");
    st.max_exp_avg_sq = moment("max_exp_avg_sq");
    if (!st.exp_avg.defined() || !st.exp_avg_sq.defined()) entry.fail("missing exp_avg/exp_avg_sq");
    if (o.amsgrad && !st.max_exp_avg_sq.defined()) st.max_exp_avg_sq = st.exp_avg_sq.clone();
  }
  if (capturable_) {
    for (std::size_t i = 0; i < states.size(); ++i) {
      states[i].step_t = torch::full({}, static_cast<double>(states[i].step),
                                     params_[i].options().dtype(torch::kFloat));
    }
  }
  // Nothing changes unless the whole state fits.
  options_ = o;
  setLr(o.lr);  // the device copy of a capturable optimiser too
  state_ = std::move(states);
}

}  // namespace morphaeus
