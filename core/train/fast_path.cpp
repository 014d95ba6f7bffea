#include "core/train/fast_path.h"

#include <stdexcept>
#include <string>

#include <torch/torch.h>

namespace morphaeus {

FastPathOptions resolveFastPath(FastPathOptions o, c10::DeviceType device) {
  const ComputePrecision c = resolvePrecision(o.precision, device, o.channels_last_config);
  o.autocast = c.autocast;
  o.float64 = c.chosen == Precision::Fp64;
  o.channels_last = c.channels_last;
  o.fused_adam = o.fused_adam_config.value_or(c.chosen == Precision::Bf16);
  o.ncc_box_sums = o.ncc_box_sums_config.value_or(c.chosen == Precision::Bf16);
  o.chosen = c.describe() + (o.fused_adam ? ", fused Adam" : "") +
             (o.ncc_box_sums ? ", NCC box sums" : "");
  return o;
}

void requireFastPathSupport(const FastPathOptions& o, const FastPathSupport& support) {
  auto refuse = [](const std::string& why) { throw std::invalid_argument("performance." + why); };
  if ((o.autocast || o.cuda_graph) && !support.autocast) {
    refuse(
        "precision: bf16 and cuda_graph need a trainer with one optimiser and the default "
        "step; this trainer has its own optimisation step");
  }
  if (o.cuda_graph && !support.cuda_graph) {
    refuse(
        "cuda_graph: this trainer's step keeps host-side state that changes every step (a "
        "step counter or host-drawn noise) and cannot be replayed as a CUDA graph");
  }
  if (o.cuda_graph && support.multi_process) {
    refuse(
        "cuda_graph: not with several processes (the gradient all-reduce and the buffer "
        "broadcast run between the steps' kernels); use it in single-process runs");
  }
}

}  // namespace morphaeus
