// Per-epoch metrics: <output>/metrics.jsonl (one JSON object per epoch) and metrics.csv (the same
// as a table), both rewritten atomically after every epoch.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace morphaeus {

class MetricsLog {
 public:
  explicit MetricsLog(std::string run_dir);
  // Keeps the rows of an earlier run in the same directory for its first `epochs_done` epochs
  // (rows count epochs from 1).
  void loadUntil(int64_t epochs_done);
  void append(const nlohmann::json& row);
  const std::vector<nlohmann::json>& rows() const { return rows_; }

 private:
  void write() const;
  std::string jsonl_, csv_;
  std::vector<nlohmann::json> rows_;
};

}  // namespace morphaeus
