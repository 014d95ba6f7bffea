#include "core/train/cuda_graph_step.h"

#include <ATen/autocast_mode.h>
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <optional>

namespace morphaeus {

struct CudaGraphStep::State {
  int warmup_steps = 2;
  std::unique_ptr<at::cuda::CUDAGraph> graph;
  torch::Tensor input;  // the static batch the graph reads
  NamedLosses outputs;  // the graph's static loss tensors
  std::optional<int64_t> key;
  int warm = 0;
  int64_t captures = 0;
};

CudaGraphStep::CudaGraphStep(int warmup_steps) : state_(std::make_unique<State>()) {
  state_->warmup_steps = warmup_steps;
}

CudaGraphStep::~CudaGraphStep() = default;

int64_t CudaGraphStep::captures() const {
  return state_->captures;
}

NamedLosses CudaGraphStep::run(const torch::Tensor& x, int64_t key, const StepFunction& step) {
  State& s = *state_;
  const c10::cuda::CUDAGuard device_guard(x.device());
  const bool same_shape = s.input.defined() && s.input.sizes() == x.sizes() &&
                          s.input.scalar_type() == x.scalar_type() &&
                          s.input.suggest_memory_format() == x.suggest_memory_format();
  if (!s.key || *s.key != key || !same_shape) {
    s.graph.reset();  // frees the old graph's memory pool once its outputs are dropped
    s.outputs.clear();
    s.key = key;
    s.warm = 0;
    s.input = torch::empty_like(x, x.suggest_memory_format());
  }
  auto current = c10::cuda::getCurrentCUDAStream();
  auto side = c10::cuda::getStreamFromPool();
  if (s.warm < s.warmup_steps) {  // eager, on a side stream as capture will be
    NamedLosses losses;
    {
      c10::cuda::CUDAStreamGuard on_side(side);
      // The side stream waits for the work already queued on the current one.
      at::cuda::CUDAEvent ready;
      ready.record(current);
      ready.block(side);
      losses = step(x);
    }
    at::cuda::CUDAEvent done;
    done.record(side);
    done.block(current);
    ++s.warm;
    return losses;
  }
  s.input.copy_(x);
  if (!s.graph) {
    current.synchronize();
    s.graph = std::make_unique<at::cuda::CUDAGraph>();
    const bool cache = at::autocast::is_autocast_cache_enabled();
    at::autocast::set_autocast_cache_enabled(false);
    {
      c10::cuda::CUDAStreamGuard on_side(side);
      s.graph->capture_begin();
      s.outputs = step(s.input);
      s.graph->capture_end();
    }
    at::autocast::set_autocast_cache_enabled(cache);
    side.synchronize();
    ++s.captures;
  }
  s.graph->replay();  // capture only records: the captured batch runs here too
  return s.outputs;
}

}  // namespace morphaeus
