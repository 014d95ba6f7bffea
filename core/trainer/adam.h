// Adam exactly as PyTorch's torch.optim.Adam (single-tensor path) computes it, with its state
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
};

class Adam {
 public:
  Adam(std::vector<torch::Tensor> params, AdamOptions options);

  void zeroGrad();
  void step();
  double lr() const { return options_.lr; }
  void setLr(double lr) { options_.lr = lr; }
  const AdamOptions& options() const { return options_; }

  c10::IValue stateDict() const;
  // Restores moments and step counts (and lr/betas/eps/weight decay of the group). Throws
  // CheckpointError naming `source` when the state does not fit these parameters.
  void loadStateDict(const c10::IValue& state, const std::string& source);

 private:
  struct State {
    int64_t step = 0;
    torch::Tensor exp_avg, exp_avg_sq, max_exp_avg_sq;
  };
  std::vector<torch::Tensor> params_;
  std::vector<State> state_;
  AdamOptions options_;
};

}  // namespace morphaeus
