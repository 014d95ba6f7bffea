#include "core/train/training_stopped.h"

#include <fmt/format.h>

#include <filesystem>

namespace morphaeus {

TrainingStopped nonFiniteLoss(const std::string& name, double value, int64_t epoch,
                              int64_t from_step, int64_t to_step, const std::string& latest) {
  const std::string where = from_step == to_step ? fmt::format("step {}", to_step)
                                                 : fmt::format("steps {}..{}", from_step, to_step);
  return TrainingStopped(fmt::format(
      "non-finite {} ({}) at epoch {} {}; training stopped, {}", name, value, epoch, where,
      std::filesystem::exists(latest)
          ? fmt::format("the last good checkpoint is {} (unchanged)", latest)
          : std::string("no checkpoint had been written yet")));
}

TrainingStopped stoppedBySignal(int signal, int64_t epoch, int64_t step, const std::string& writer,
                                const std::string& latest) {
  return TrainingStopped(
      fmt::format("stopped by signal {} at epoch {} step {}; {}wrote {} (resume with --resume)",
                  signal, epoch, step, writer, latest));
}

}  // namespace morphaeus
