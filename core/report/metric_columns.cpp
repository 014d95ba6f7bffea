#include "core/report/metric_columns.h"

#include <fmt/format.h>

#include <cmath>

namespace morphaeus {
namespace {

std::string numberText(const std::optional<double>& v) {
  return v && !std::isnan(*v) ? fmt::format("{:.4f}", *v) : "-";
}

}  // namespace

const std::vector<MetricColumn>& metricColumns() {
  using T = MetricColumn::Text;
  static const std::vector<MetricColumn> kColumns = {
      {"auroc", "AUROC", "AUROC", true, false, T::Number},
      {"bootstrap", "AUROC bootstrap (5 seeds)", "", true, false, T::BootstrapAuroc},
      {"interval", "AUROC interval", "", true, false, T::IntervalAuroc},
      {"auprc", "AUPRC", "AUPRC", true, false, T::Number},
      {"fpr_at_tpr95", "FPR@95", "FPR95", false, false, T::Number},
      {"fpr_at_tpr99", "FPR@99", "", false, false, T::Number},
      {"ssim_mean", "SSIM", "SSIM", true, false, T::Number},
      {"l1_mean", "L1", "L1", false, false, T::Number},
      {"lpips_mean", "LPIPS", "", false, true, T::Number},
      {"pixel_auroc", "pixel AUROC", "", true, false, T::Number},
      {"pixel_auprc", "pixel AUPRC", "", true, false, T::Number},
      {"best_dice", "best Dice", "", true, false, T::Number}};
  return kColumns;
}

std::vector<const MetricColumn*> shownColumns(const TaskMetrics& record) {
  std::vector<const MetricColumn*> shown;
  for (const MetricColumn& c : metricColumns()) {
    bool given = !c.only_when_given;
    for (const auto& [name, m] : record.datasets) given = given || m.number(c.key).has_value();
    if (given) shown.push_back(&c);
  }
  return shown;
}

std::string metricCell(const DatasetMetrics& record, const MetricColumn& column, const char* pm) {
  switch (column.text) {
    case MetricColumn::Text::BootstrapAuroc:
      if (!record.bootstrap) return "-";
      return fmt::format("{:.4f}{}{:.4f}", record.bootstrap->auroc.mean, pm,
                         record.bootstrap->auroc.std);
    case MetricColumn::Text::IntervalAuroc:
      if (!record.interval) return "-";
      return fmt::format("{:.0f}%: {:.4f}-{:.4f}", 100 * record.interval->level,
                         record.interval->auroc.low, record.interval->auroc.high);
    case MetricColumn::Text::Number:
      break;
  }
  return numberText(record.number(column.key));
}

}  // namespace morphaeus
