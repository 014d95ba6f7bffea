#include "core/eval/task_scoring.h"

namespace morphaeus {

TaskScoring taskScoring(const ConfigNode* params) {
  TaskScoring o;
  if (params == nullptr || !params->isMap()) return o;
  o.score.use_max = params->getString("score_reduction", o.score.use_max ? "max" : "mean") == "max";
  o.score.smoothing_sigma = params->getDouble("smoothing_sigma", o.score.smoothing_sigma);
  o.map_vmax = params->getDouble("map_vmax", o.map_vmax);
  return o;
}

TaskScoring firstTaskScoring(const ConfigNode& root) {
  const ConfigNode* tasks = root.find("downstream_tasks");
  if (tasks == nullptr || !tasks->isMap() || tasks->entries().empty()) return {};
  return taskScoring(tasks->entries().front().second.find("params"));
}

}  // namespace morphaeus
