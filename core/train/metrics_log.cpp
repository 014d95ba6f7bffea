#include "core/train/metrics_log.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/base/atomic_file.h"
#include "core/base/run_layout.h"

namespace morphaeus {

MetricsLog::MetricsLog(std::string run_dir)
    : jsonl_(RunLayout(run_dir).epochMetrics().string()),
      csv_(RunLayout(run_dir).epochMetricsCsv().string()) {}

void MetricsLog::loadUntil(int64_t epochs_done) {
  std::ifstream in(jsonl_);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto row = nlohmann::json::parse(line, nullptr, false);
    if (row.is_discarded() || !row.contains("epoch") || row["epoch"].get<int64_t>() > epochs_done)
      continue;
    rows_.push_back(row);
  }
}

void MetricsLog::append(const nlohmann::json& row) {
  rows_.push_back(row);
  write();
}

void MetricsLog::write() const {
  std::ostringstream jsonl, csv;
  std::vector<std::string> columns;
  std::set<std::string> seen;
  for (const auto& row : rows_) {
    jsonl << row.dump() << "\n";
    for (const auto& [k, v] : row.items()) {
      if (seen.insert(k).second) columns.push_back(k);
    }
  }
  for (std::size_t i = 0; i < columns.size(); ++i) csv << (i ? "," : "") << columns[i];
  csv << "\n";
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i) csv << ",";
      if (row.contains(columns[i])) {
        const auto& v = row[columns[i]];
        csv << (v.is_string() ? v.get<std::string>() : v.dump());
      }
    }
    csv << "\n";
  }
  writeFileAtomic(jsonl_, jsonl.str());
  writeFileAtomic(csv_, csv.str());
}

}  // namespace morphaeus
