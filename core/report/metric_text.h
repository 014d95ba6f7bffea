// A metrics.json entry's numbers as table text, the same in table.md and report.html: a number
// to 4 decimals, the paper's bootstrap AUROC as "mean <pm> std", its interval as "95%: lo-hi",
// and "-" where the entry lacks them.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace morphaeus {

std::string metricText(const nlohmann::json& m, const char* key, const char* format = "{:.4f}");
std::string bootstrapAurocText(const nlohmann::json& m, const char* pm);
std::string intervalAurocText(const nlohmann::json& m);

}  // namespace morphaeus
