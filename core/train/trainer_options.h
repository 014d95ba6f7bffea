// What the trainer base reads of trainer.params: its keys, each declared once beside its field
// (trainerKeys), parsed once (trainerOptions). A project's trainer schema is trainerSchema() with
// the project's own keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/config_node.h"
#include "core/config/key_table.h"
#include "core/config/schema.h"
#include "core/distributed/gradient_buckets.h"
#include "core/losses/reconstruction_loss.h"
#include "core/train/adam.h"
#include "core/train/fast_path.h"
#include "core/train/lr_schedule.h"

namespace morphaeus {

// The defaults of the keys (trainerKeys() declares each key beside its field here).
struct TrainerOptions {
  /// (rows, cols) of the training images, when given (upstream's input_size)
  std::vector<int64_t> input_size;
  /// epochs to train (required in a config)
  int64_t nr_epochs = 0;
  /// validate every N epochs (and after the last)
  int64_t val_interval = 1;
  /// overrides the data loader's batch size when given
  std::optional<int64_t> batch_size;
  /// early stopping: validations without improvement (not epochs: one per val_interval)
  int patience_validations = 25;
  /// early stopping: the least improvement of the validation loss that counts
  double min_delta = 1e-8;
  AdamOptions adam;         // optimizer_params (with upstream's cosine switch: amsgrad, wd 1e-5)
  bool adam_betas = false;  // optimizer_params.betas given (the AAE trainer's default differs)
  /// none | cosine | plateau | exponential
  std::string lr_scheduler = "none";
  /// what the schedulers step with: upstream's validation loss
  ScheduleStep lr_scheduler_step = ScheduleStep::ValidationLoss;
  std::optional<bool> train_mode;               // training_mode; nullopt: the trainer's upstream
  std::optional<bool> patience_on_improvement;  // early_stopping; nullopt: the trainer's upstream
  /// multi-process runs: BatchNorm statistics over the global batch
  bool sync_batchnorm = false;
  /// multi-process runs: bucket_cap_mb and allreduce_during_backward
  GradientBucketOptions gradient_buckets;
  FastPathOptions fast;     // performance.*
  ReconstructionLoss loss;  // the loss component, built through the registry
};

// The trainer keys the base trainer knows, one declaration each: epochs, validation, loss, early
// stopping, optimiser, schedule, mode, distributed, fast path.
const KeyTable<TrainerOptions>& trainerKeys();
// Their schema with a project trainer's own keys after the loss (as upstream's configs order
// them; the project reads them with its own table).
Schema trainerSchema(const Schema& project_keys = {});

// From validated trainer params; ConfigError for values the schema cannot check.
TrainerOptions trainerOptions(const ConfigNode& params);

// ComponentSpec::takes_struct_defaults of the base trainer's keys: trainerOptions(params) equals
// TrainerOptions{} in every field that a key with a default sets.
bool trainerTakesStructDefaults(const ConfigNode& params);

}  // namespace morphaeus
