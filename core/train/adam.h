// Adam exactly as PyTorch's torch.optim.Adam (single-tensor path) computes it -- with `fused`, for
// float32 CPU parameters in one pass per parameter (parameter, gradient and moments read once and
// written once) instead of eight tensor operations, equal to them up to float32 rounding (the
// order of ATen's operations is kept; where ATen's vector kernels round differently, the last bit
// differs, and training steps sensitive to it, such as the AAE's, move) -- with its state
// readable from and writable to PyTorch's optimizer state_dict layout ({'state': {i: {'step',
// 'exp_avg', 'exp_avg_sq'[, 'max_exp_avg_sq']}}, 'param_groups': [{...}]}), so checkpoints move
// between this program and PyTorch with the optimizer state intact.
#pragma once

#include <ATen/core/ivalue.h>
#include <torch/torch.h>

#include <string>
#include <vector>

namespace morphaeus {

struct AdamOptions {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
  bool amsgrad = false;
  bool maximize = false;  // ascend the objective (torch >= 1.11's maximize=True)
  bool fused = false;     // the one-pass CPU kernel (trainer.params.performance.fused_adam)
};

class Adam {
 public:
  Adam(std::vector<torch::Tensor> params, AdamOptions options);

  void zeroGrad();
  void step();
  double lr() const { return options_.lr; }
  void setLr(double lr);
  // Capturable (CUDA graphs): the step counts, bias corrections and the learning rate live in
  // tensors on the parameters' device, so a captured step() stays right on every replay (as
  // torch.optim.Adam(capturable=True)). Same results as the default to float32 rounding.
  void makeCapturable();
  const AdamOptions& options() const { return options_; }
  const std::vector<torch::Tensor>& params() const { return params_; }

  c10::IValue stateDict() const;
  // Restores moments and step counts and the group's hyper-parameters (lr, betas, eps,
  // weight_decay, amsgrad, maximize) from a state_dict as PyTorch 1.x or 2.x writes it (numbers as
  // int or float; step as int or tensor; foreach/capturable/differentiable/fused/initial_lr
  // accepted -- they choose kernels or serve schedulers, not the update). Throws CheckpointError
  // naming `file` and the key (under `key`) when the state does not fit these parameters.
  void loadStateDict(const c10::IValue& state, const std::string& file,
                     const std::string& key = "optimizer_weights");

 private:
  struct State {
    int64_t step = 0;
    torch::Tensor step_t;  // capturable: the step count on the device (float32, like PyTorch's)
    torch::Tensor exp_avg, exp_avg_sq, max_exp_avg_sq;
  };
  void stepCapturable(torch::Tensor& p, torch::Tensor grad, State& s);
  void stepFused(torch::Tensor& p, State& s);
  int64_t stepsOf(const State& s) const;
  std::vector<torch::Tensor> params_;
  std::vector<State> state_;
  AdamOptions options_;
  bool capturable_ = false;
  torch::Tensor lr_t_;  // capturable: the learning rate on the device
};

}  // namespace morphaeus
