// The scoring keys of a downstream task's params (score_reduction, smoothing_sigma, precision,
// map_vmax), declared and read once for the evaluator, `morphaeus infer` and the evaluation
// benchmark, so that the three score alike. The defaults are the structs'.
#pragma once

#include "core/config/config_node.h"
#include "core/config/key_table.h"
#include "core/eval/anomaly_score.h"

namespace morphaeus {

struct TaskScoring {
  AnomalyScoreOptions score;
  double map_vmax = 0.5;  // the anomaly value shown as the hottest colour
};

// Its keys: score_reduction, smoothing_sigma, precision, map_vmax (the evaluator's schema holds
// them among its own).
const KeyTable<TaskScoring>& taskScoringKeys();
// From a task's params block; null or not a map: the defaults.
TaskScoring taskScoring(const ConfigNode* params);
// The config's first downstream task's (defaults without one).
TaskScoring firstTaskScoring(const ConfigNode& root);
// Whether that task's params give `precision` (infer's default is auto otherwise).
bool firstTaskSetsPrecision(const ConfigNode& root);

}  // namespace morphaeus
