// Per-image-weighted sums of a step's named losses, kept on the losses' device: adding a step's
// losses launches one small kernel and does not wait for the GPU; read() copies the sums to the
// host (one synchronisation) -- every `loss_readback_every` steps and at the end of the epoch.
#pragma once

#include <torch/torch.h>

#include <optional>
#include <string>
#include <vector>

#include "core/train/trainer.h"

namespace morphaeus {

class LossAccumulator {
 public:
  void add(const NamedLosses& losses, int64_t images);
  // The sums so far (host copy; reads back only when something was added since the last read).
  const std::vector<double>& read();
  const std::vector<std::string>& names() const { return names_; }
  int64_t images() const { return images_; }
  // "name mean name mean ..." of the per-image means so far (for the progress line).
  std::string describe();
  // The index of the first loss whose sum is not finite.
  std::optional<std::size_t> firstNonFinite();

 private:
  std::vector<std::string> names_;
  torch::Tensor sums_;  // float64 [losses] on the losses' device
  std::vector<double> host_;
  int64_t images_ = 0;
  bool dirty_ = false;
};

}  // namespace morphaeus
