// What the trainer base reads of trainer.params, parsed once (trainerOptions) against its schema
// (trainerSchema), whose fields hold the one default of every key. A project's trainer schema
// starts from trainerSchema() and adds its own keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/config/config_node.h"
#include "core/config/schema.h"
#include "core/losses/reconstruction_loss.h"
#include "core/train/adam.h"
#include "core/train/fast_path.h"
#include "core/train/lr_schedule.h"

namespace morphaeus {

struct TrainerOptions {
  int64_t nr_epochs = 0;
  int64_t val_interval = 0;
  int64_t batch_size = 0;  // overrides the data loader's when > 0
  int patience = 0;        // early stopping, in validations
  double min_delta = 0;
  AdamOptions adam;         // optimizer_params (with upstream's cosine switch: amsgrad, wd 1e-5)
  bool adam_betas = false;  // optimizer_params.betas given (the AAE trainer's default differs)
  std::string lr_scheduler;
  ScheduleStep lr_scheduler_step = ScheduleStep::ValidationLoss;
  std::optional<bool> train_mode;               // training_mode; nullopt: the trainer's upstream
  std::optional<bool> patience_on_improvement;  // early_stopping; nullopt: the trainer's upstream
  bool sync_batchnorm = false;
  FastPathOptions fast;     // performance.*
  ReconstructionLoss loss;  // the loss component, built through the registry
};

// The trainer keys the base trainer knows (in the order `morphaeus list` shows them): epochs,
// validation, loss, early stopping, optimiser, schedule, mode, fast path, distributed.
// `project_keys` adds a project's own keys after the loss (as upstream's configs order them).
Schema trainerSchema(void (*project_keys)(Schema&) = nullptr);

// From validated trainer params; ConfigError for values the schema cannot check.
TrainerOptions trainerOptions(const ConfigNode& params);

}  // namespace morphaeus
