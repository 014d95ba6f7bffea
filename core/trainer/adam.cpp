#include "core/trainer/adam.h"

#include <cmath>

#include "core/checkpoint/checkpoint_error.h"

namespace morphaeus {

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
  s.exp_avg.mul_(b1).add_(grad, 1 - b1);
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
    torch::Tensor grad = p.grad();
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
    if (options_.weight_decay != 0) grad = grad.add(p, options_.weight_decay);
    s.exp_avg.mul_(b1).add_(grad, 1 - b1);
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
  group.insert("maximize", false);
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

void Adam::loadStateDict(const c10::IValue& value, const std::string& source) {
  auto fail = [&](const std::string& m) {
    throw CheckpointError(source, "optimizer_weights: " + m);
  };
  if (!value.isGenericDict()) fail("not a dict");
  const auto dict = value.toGenericDict();
  auto groups_it = dict.find(c10::IValue("param_groups"));
  auto state_it = dict.find(c10::IValue("state"));
  if (groups_it == dict.end() || state_it == dict.end())
    fail("expected 'state' and 'param_groups'");
  const auto groups = groups_it->value().toListRef();
  if (groups.size() != 1 || !groups[0].isGenericDict()) fail("expected one parameter group");
  const auto group = groups[0].toGenericDict();
  auto num = [&](const char* k, double fallback) {
    auto it = group.find(c10::IValue(k));
    return it == group.end() ? fallback : it->value().toDouble();
  };
  auto params = group.find(c10::IValue("params"));
  if (params == group.end() || params->value().toListRef().size() != params_.size()) {
    fail("holds " + std::to_string(params == group.end() ? 0 : params->value().toListRef().size()) +
         " parameters, the model has " + std::to_string(params_.size()));
  }
  setLr(num("lr", options_.lr));
  options_.eps = num("eps", options_.eps);
  options_.weight_decay = num("weight_decay", options_.weight_decay);
  if (auto betas = group.find(c10::IValue("betas")); betas != group.end()) {
    const auto& b = betas->value().toTupleRef().elements();
    options_.beta1 = b[0].toDouble();
    options_.beta2 = b[1].toDouble();
  }
  for (const auto& entry : state_it->value().toGenericDict()) {
    if (!entry.key().isInt()) fail("state keys must be parameter indices");
    const int64_t i = entry.key().toInt();
    if (i < 0 || i >= static_cast<int64_t>(params_.size()))
      fail("state for parameter " + std::to_string(i));
    const auto s = entry.value().toGenericDict();
    auto tensor = [&](const char* k) {
      auto it = s.find(c10::IValue(k));
      if (it == s.end()) return torch::Tensor();
      torch::Tensor t =
          it->value().toTensor().to(params_[i].device(), params_[i].scalar_type()).clone();
      if (t.sizes() != params_[i].sizes())
        fail(std::string(k) + " of parameter " + std::to_string(i) + " has the wrong shape");
      return t;
    };
    State& st = state_[static_cast<std::size_t>(i)];
    const c10::IValue step = s.at(c10::IValue("step"));
    st.step = step.isTensor() ? static_cast<int64_t>(step.toTensor().item<double>()) : step.toInt();
    if (capturable_) {
      st.step_t =
          torch::full({}, static_cast<double>(st.step), params_[i].options().dtype(torch::kFloat));
    }
    st.exp_avg = tensor("exp_avg");
    st.exp_avg_sq = tensor("exp_avg_sq");
    st.max_exp_avg_sq = tensor("max_exp_avg_sq");
    if (!st.exp_avg.defined() || !st.exp_avg_sq.defined())
      fail("missing moments for parameter " + std::to_string(i));
    if (options_.amsgrad && !st.max_exp_avg_sq.defined()) st.max_exp_avg_sq = st.exp_avg_sq.clone();
  }
}

}  // namespace morphaeus
