// The scoring keys of a downstream task's params (score_reduction, smoothing_sigma, map_vmax,
// precision),
// read once for the evaluator, `morphaeus infer` and the evaluation benchmark, so that the three
// score alike. The defaults are the structs' (the evaluator's schema shows them).
#pragma once

#include "core/config/config_node.h"
#include "core/eval/anomaly_score.h"

namespace morphaeus {

struct TaskScoring {
  AnomalyScoreOptions score;
  double map_vmax = 0.5;  // the anomaly value shown as the hottest colour
};

// From a task's params block; null or not a map: the defaults.
TaskScoring taskScoring(const ConfigNode* params);
// The config's first downstream task's (defaults without one).
TaskScoring firstTaskScoring(const ConfigNode& root);
// Whether that task's params give `precision` (infer's default is auto otherwise).
bool firstTaskSetsPrecision(const ConfigNode& root);

}  // namespace morphaeus
