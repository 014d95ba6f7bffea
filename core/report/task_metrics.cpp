#include "core/report/task_metrics.h"

#include <algorithm>
#include <fstream>
#include <system_error>

#include "core/base/atomic_file.h"
#include "data/data_error.h"

namespace morphaeus {

namespace fs = std::filesystem;

void writeTaskMetrics(const TaskLayout& task, const nlohmann::json& metrics) {
  writeFileAtomic(task.metrics().string(), metrics.dump(2) + "\n");
}

nlohmann::json readTaskMetrics(const TaskLayout& task) {
  const std::string file = task.metrics().string();
  std::ifstream in(file);
  if (!in) throw DataError(file + ": cannot be read");
  nlohmann::json m;
  try {
    m = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(file + ": not the JSON an evaluation writes (" + e.what() + ")");
  }
  if (!m.is_object() || !m.contains("datasets") || !m["datasets"].is_object())
    throw DataError(file + ": not the JSON an evaluation writes (no \"datasets\" object)");
  return m;
}

std::vector<TaskLayout> evaluatedTasks(const RunLayout& run) {
  std::vector<TaskLayout> tasks;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(run.evaluations(), ec)) {
    TaskLayout t{e.path()};
    if (fs::exists(t.metrics())) tasks.push_back(std::move(t));
  }
  std::sort(tasks.begin(), tasks.end(),
            [](const TaskLayout& a, const TaskLayout& b) { return a.dir < b.dir; });
  return tasks;
}

}  // namespace morphaeus
