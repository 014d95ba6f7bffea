// metrics.json, one evaluation task's record: written by the evaluator, read by the run's report,
// the sweep's tables and the figures, all through here (its place is TaskLayout's).
#pragma once

#include <nlohmann/json.hpp>

#include <vector>

#include "core/base/run_layout.h"

namespace morphaeus {

// Writes `metrics` as indented JSON (temp file + rename).
void writeTaskMetrics(const TaskLayout& task, const nlohmann::json& metrics);

// The record; DataError "<file>: not the JSON an evaluation writes (...)" when it cannot be read
// or parsed, or has no "datasets" object.
nlohmann::json readTaskMetrics(const TaskLayout& task);

// The run's tasks that have a metrics.json, by name; none when the run has no eval/ folder.
std::vector<TaskLayout> evaluatedTasks(const RunLayout& run);

}  // namespace morphaeus
