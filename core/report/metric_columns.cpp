#include "core/report/metric_columns.h"

#include "core/report/metric_text.h"

namespace morphaeus {

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

std::string metricCell(const nlohmann::json& record, const MetricColumn& column, const char* pm) {
  switch (column.text) {
    case MetricColumn::Text::BootstrapAuroc:
      return bootstrapAurocText(record, pm);
    case MetricColumn::Text::IntervalAuroc:
      return intervalAurocText(record);
    case MetricColumn::Text::Number:
      break;
  }
  return metricText(record, column.key.c_str());
}

}  // namespace morphaeus
