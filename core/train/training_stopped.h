// Training stopped early on purpose (signal) or because it cannot go on (non-finite loss). Its
// message says where (epoch, step, checkpoint): it passes inContext() unchanged.
#pragma once

#include <cstdint>
#include <string>

#include "core/config/error_context.h"

namespace morphaeus {

class TrainingStopped : public ContextError {
 public:
  using ContextError::ContextError;
};

// A non-finite loss `name` = `value` found at epoch `epoch`, steps from_step..to_step (one step
// when equal); `latest`: the last good checkpoint's path (named when it exists).
TrainingStopped nonFiniteLoss(const std::string& name, double value, int64_t epoch,
                              int64_t from_step, int64_t to_step, const std::string& latest);
// Stopped by a signal at epoch/step after `latest` was written (by `writer`: "" or "rank 0 ").
TrainingStopped stoppedBySignal(int signal, int64_t epoch, int64_t step, const std::string& writer,
                                const std::string& latest);

}  // namespace morphaeus
