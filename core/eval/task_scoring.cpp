#include "core/eval/task_scoring.h"

namespace morphaeus {

TaskScoring taskScoring(const ConfigNode* params) {
  TaskScoring o;
  if (params == nullptr || !params->isMap()) return o;
  o.score.use_max = params->getString("score_reduction", o.score.use_max ? "max" : "mean") == "max";
  o.score.smoothing_sigma = params->getDouble("smoothing_sigma", o.score.smoothing_sigma);
  o.map_vmax = params->getDouble("map_vmax", o.map_vmax);
  o.score.precision =
      precisionFromName(params->getString("precision", precisionName(o.score.precision)));
  return o;
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
