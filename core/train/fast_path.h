// The training fast path (trainer.params.performance): bf16 autocast with float32 master weights,
// channels_last, CUDA-graph capture of the whole train step, and losses read back to the host
// only every N steps. Everything off by default: the default step is the reference's math in
// float32, checked for finite losses before every update.
#pragma once

#include <c10/core/ScalarType.h>

#include <cstdint>
#include <optional>

namespace torch::nn {
class Module;
}

namespace morphaeus {

// From trainer.params.performance: trainerOptions() (trainer_options.h).
struct FastPathOptions {
  std::optional<c10::ScalarType> autocast;  // precision: bf16 -> BFloat16; fp32 -> none
  bool float64 = false;  // precision: fp64 -- weights, batches and losses in float64 (checks)
  bool channels_last = false;
  bool cuda_graph = false;          // CUDA only; ignored (with a warning) on the CPU
  int64_t loss_readback_every = 1;  // > 1: no host sync inside the steps in between
  // Non-finite losses are found when they are read back, after the update, instead of before it.
  bool deferredChecks() const { return cuda_graph || loss_readback_every > 1; }
};

// What a trainer's step allows (Trainer::supportsFastPath / supportsCudaGraph) and whether the
// run has several processes.
struct FastPathSupport {
  bool autocast = true, cuda_graph = true, multi_process = false;
};
// std::invalid_argument ("performance.<key>: why") for options the step cannot run.
void requireFastPathSupport(const FastPathOptions& options, const FastPathSupport& support);

// Converts the module's 4-D parameters and buffers to channels_last in place (same values).
void toChannelsLast(torch::nn::Module& module);

}  // namespace morphaeus
