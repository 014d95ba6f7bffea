// Whole-train-step CUDA graphs: forward, losses, backward and the optimiser update of a batch are
// captured once into a CUDA graph and replayed for every later batch of the same shape -- one
// launch instead of hundreds of kernels, no host work per step. As torch.cuda.graph requires: a
// few eager warm-up steps on a side stream first (cuDNN autotuning, lazy optimiser state), a
// static input buffer the batches are copied into, autocast's weight cache off during capture,
// an optimiser whose step count and bias corrections live on the GPU (Adam::setCapturable), and no
// host synchronisation inside the step (the losses are read back by the caller, every N steps).
// The returned losses are the graph's static outputs: valid until the next run().
// A new key (epoch: its loss weights and learning rate are host values baked into the graph) or
// a new batch shape re-captures. Built only where LibTorch has CUDA (MORPHAEUS_HAVE_CUDA).
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>

#include "core/train/trainer.h"

namespace morphaeus {

class CudaGraphStep {
 public:
  // The step to capture: losses of `images`, backward and update; must not synchronise.
  using StepFunction = std::function<NamedLosses(const torch::Tensor& images)>;

  explicit CudaGraphStep(int warmup_steps = 2);
  ~CudaGraphStep();
  NamedLosses run(const torch::Tensor& images, int64_t key, const StepFunction& step);
  int64_t captures() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace morphaeus
