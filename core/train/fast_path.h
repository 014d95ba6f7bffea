// The training fast path (trainer.params.performance): bf16 autocast with float32 master weights,
// channels_last, CUDA-graph capture of the whole train step, and losses read back to the host
// only every N steps. Everything off by default: the default step is the reference's math in
// float32, checked for finite losses before every update.
#pragma once

#include <c10/core/DeviceType.h>
#include <c10/core/ScalarType.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/base/mixed_precision.h"  // toChannelsLast
#include "core/base/precision.h"

namespace morphaeus {

// From trainer.params.performance: trainerOptions() (trainer_options.h).
struct FastPathOptions {
  Precision precision = Precision::Fp32;     // as configured (auto: decided by resolveFastPath)
  std::optional<bool> channels_last_config;  // performance.channels_last, when given
  std::optional<bool> fused_adam_config;     // performance.fused_adam, when given
  std::optional<bool> ncc_box_sums_config;   // performance.ncc_box_sums, when given
  // The decision (resolveFastPath, by the trainer for its device):
  std::optional<c10::ScalarType> autocast;  // bf16 -> BFloat16; fp32 -> none
  bool float64 = false;  // precision: fp64 -- weights, batches and losses in float64 (checks)
  bool channels_last = false;       // default: on exactly when the step runs in bf16
  bool fused_adam = false;          // default: on exactly when the step runs in bf16
  // NCC window sums by the box-sum kernel instead of upstream's ones convolution (ncc_loss.h);
  // default: on exactly when the step runs in bf16 (whose rounding is not upstream's anyway).
  bool ncc_box_sums = false;
  std::string chosen = "fp32";      // what was chosen and why, for the log
  bool cuda_graph = false;          // CUDA only; ignored (with a warning) on the CPU
  int64_t loss_readback_every = 1;  // > 1: no host sync inside the steps in between
  // Non-finite losses are found when they are read back, after the update, instead of before it.
  bool deferredChecks() const { return cuda_graph || loss_readback_every > 1; }
};

// Decides precision: auto for `device` (resolvePrecision) and fills the fields below the
// configured ones; explicit settings pass through.
FastPathOptions resolveFastPath(FastPathOptions options, c10::DeviceType device);

// What a trainer's step allows (Trainer::supportsFastPath / supportsCudaGraph) and whether the
// run has several processes.
struct FastPathSupport {
  bool autocast = true, cuda_graph = true, multi_process = false;
};
// std::invalid_argument ("performance.<key>: why") for options the step cannot run.
void requireFastPathSupport(const FastPathOptions& options, const FastPathSupport& support);

}  // namespace morphaeus
