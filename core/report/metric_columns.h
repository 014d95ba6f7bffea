// The one list of a task's per-dataset metrics as tables show them, in their order: each with the
// key of its number in the task record (metrics.json's datasets.<name>), its heading in a task's
// tables (table.md and report.html) and in the sweep's tables (reproduce), and its direction. A
// new metric is one entry here (after its computation and its entry in the record).
#pragma once

#include <string>
#include <vector>

#include "core/report/task_metrics.h"

namespace morphaeus {

struct MetricColumn {
  enum class Text { Number, BootstrapAuroc, IntervalAuroc };
  std::string key;      // its number in the dataset's record (DatasetMetrics::number): "auroc", ...
  std::string heading;  // a task's tables
  std::string sweep_heading;  // the sweep's tables; "" where they do not show it
  bool higher_is_better = true;
  bool only_when_given = false;  // shown where some dataset has it (LPIPS, with its weights)
  Text text = Text::Number;
};

const std::vector<MetricColumn>& metricColumns();

// The columns a task's tables show for this record: all but the only-when-given ones that no
// dataset has a number for (LPIPS without its weights).
std::vector<const MetricColumn*> shownColumns(const TaskMetrics& record);

// The cell of a dataset's record, the same in table.md and report.html: the number to 4
// decimals, the paper's bootstrap AUROC as "mean <pm> std", its interval as "95%: lo-hi"; "-"
// where the record lacks it or it is not a number.
std::string metricCell(const DatasetMetrics& record, const MetricColumn& column, const char* pm);

}  // namespace morphaeus
