#include "core/train/optimizer_set.h"

#include <spdlog/spdlog.h>

namespace morphaeus {

void OptimizerSet::reset(Groups groups, const AdamOptions& options,
                         const std::optional<Checkpoint>& resume) {
  optimizers_.clear();
  for (auto& [key, params] : groups) {
    auto adam = std::make_unique<Adam>(std::move(params), options);
    if (resume) {
      const c10::IValue* state =
          key == "optimizer_weights" ? &resume->optimizer_weights : resume->find(key);
      if (state && !state->isNone()) {
        adam->loadStateDict(*state, resume->path, key);
      } else {
        spdlog::info("{}: no {}; that optimiser starts afresh", resume->path, key);
      }
    }
    optimizers_.emplace_back(key, std::move(adam));
  }
}

void OptimizerSet::setLearningRate(double lr) {
  for (auto& [key, adam] : optimizers_) adam->setLr(lr);
}

void OptimizerSet::makeCapturable() {
  for (auto& [key, adam] : optimizers_) adam->makeCapturable();
}

void OptimizerSet::writeTo(Checkpoint& c) const {
  for (const auto& [key, adam] : optimizers_) {
    if (key == "optimizer_weights")
      c.optimizer_weights = adam->stateDict();
    else
      c.extra.emplace_back(key, adam->stateDict());
  }
}

}  // namespace morphaeus
