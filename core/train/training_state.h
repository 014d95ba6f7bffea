// Everything a resumed training needs besides the weights and the optimisers, in one place:
// where it stopped, the best validation so far, early stopping, the learning-rate schedule and
// torch's CPU generator. One function writes it into a checkpoint, one reads it back, under the
// keys PyTorch-side tools see as plain dict entries:
//   epoch (the last finished epoch), next_step (steps of the following epoch already done),
//   best_val, best_epoch, early_stop_counter, early_stop_best (None: no validation yet),
//   lr_scheduler_state (LrSchedule::state()), torch_rng_state (torch.get_rng_state() layout).
#pragma once

#include <ATen/core/Tensor.h>
#include <ATen/core/ivalue.h>

#include <cstdint>
#include <limits>
#include <optional>

#include "core/checkpoint/checkpoint.h"
#include "core/train/early_stopping.h"
#include "core/train/lr_schedule.h"

namespace morphaeus {

struct TrainingState {
  int64_t epoch = -1;  // the last finished epoch (-1: none)
  int64_t next_step = 0;
  double best_val = std::numeric_limits<double>::infinity();
  int64_t best_epoch = -1;
  EarlyStopping early;
  std::optional<LrSchedule> schedule;
  at::Tensor rng;  // undefined: leave the generator as it is

  TrainingState(EarlyStopping early_stopping) : early(early_stopping) {}

  // The state's keys into `checkpoint` (epoch and extra entries), with the generator's state now.
  void writeTo(Checkpoint& checkpoint) const;
  // Reads the keys back; absent or mistyped ones keep this state's values (older checkpoints).
  // A schedule of another kind or step rule than `schedule` is left fresh, with a warning.
  void readFrom(const Checkpoint& checkpoint);
  // torch's default CPU generator continues from `rng` (if any): the random draws of the
  // stochastic trainers (VAE sampling, adversarial noise) go on as without interruption.
  void restoreGenerator() const;
};

}  // namespace morphaeus
