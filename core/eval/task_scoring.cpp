#include "core/eval/task_scoring.h"

namespace morphaeus {

const KeyTable<TaskScoring>& taskScoringKeys() {
  static const KeyTable<TaskScoring> keys = [] {
    using O = TaskScoring;
    KeyTable<O> k;
    k.named("score_reduction", {{"mean", false}, {"max", true}}, [](O& o) -> bool& {
       return o.score.use_max;
     }).describe("of |rec - x| per image");
    k.number("smoothing_sigma", [](O& o) -> double& { return o.score.smoothing_sigma; })
        .atLeast(0)
        .describe("Gaussian smoothing of |rec - x| first");
    std::vector<std::pair<std::string, Precision>> precisions;
    for (const std::string& name : precisionNames(false))
      precisions.emplace_back(name, precisionFromName(name));
    k.named("precision", precisions, [](O& o) -> Precision& { return o.score.precision; })
        .describe(
            "the reconstruction's arithmetic: bf16 (autocast, channels_last; scores in float32), "
            "auto (bf16 where the CPU has AMX-BF16/AVX512-BF16 or the GPU sm_80+), fp32");
    k.number("map_vmax", &O::map_vmax)
        .atLeast(1e-6)
        .describe("anomaly value shown as the hottest colour");
    return k;
  }();
  return keys;
}

TaskScoring taskScoring(const ConfigNode* params) {
  if (params == nullptr || !params->isMap()) return {};
  return taskScoringKeys().read(*params);
}

namespace {

const ConfigNode* firstTaskParams(const ConfigNode& root) {
  const ConfigNode* tasks = root.find("downstream_tasks");
  if (tasks == nullptr || !tasks->isMap() || tasks->entries().empty()) return nullptr;
  return tasks->entries().front().second.find("params");
}

}  // namespace

TaskScoring firstTaskScoring(const ConfigNode& root) {
  return taskScoring(firstTaskParams(root));
}

bool firstTaskSetsPrecision(const ConfigNode& root) {
  const ConfigNode* params = firstTaskParams(root);
  return params != nullptr && params->isMap() && params->has("precision");
}

}  // namespace morphaeus
