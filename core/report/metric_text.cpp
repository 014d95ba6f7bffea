#include "core/report/metric_text.h"

#include <fmt/format.h>

namespace morphaeus {

std::string metricText(const nlohmann::json& m, const char* key, const char* format) {
  return m.contains(key) && m[key].is_number()
             ? fmt::format(fmt::runtime(format), m[key].get<double>())
             : "-";
}

std::string bootstrapAurocText(const nlohmann::json& m, const char* pm) {
  if (!m.contains("bootstrap")) return "-";
  const auto& b = m["bootstrap"];
  return fmt::format("{:.4f}{}{:.4f}", b["auroc_mean"].get<double>(), pm,
                     b["auroc_std"].get<double>());
}

std::string intervalAurocText(const nlohmann::json& m) {
  if (!m.contains("interval")) return "-";
  const auto& i = m["interval"];
  return fmt::format("{:.0f}%: {:.4f}-{:.4f}", 100 * i["level"].get<double>(),
                     i["auroc"][0].get<double>(), i["auroc"][1].get<double>());
}

}  // namespace morphaeus
