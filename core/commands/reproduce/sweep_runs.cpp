#include "core/commands/reproduce/sweep_runs.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/report/task_metrics.h"
#include "data/csv_split.h"
#include "data/data_error.h"

namespace morphaeus {
namespace fs = std::filesystem;
namespace {

ColumnScores readColumnScores(const ColumnReport& c) {
  std::ifstream in(c.scores_csv);
  if (!in) throw DataError(c.scores_csv + ": cannot open the scores");
  std::string line;
  std::getline(in, line);
  const auto header = splitCsvFields(line);
  const auto col = [&](const char* name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw DataError(c.scores_csv + ": no column " + name);
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t d = col("dataset"), p = col("path"), l = col("label"), s = col("score");
  ColumnScores out;
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto f = splitCsvFields(line);
    if (f.size() != header.size())
      throw DataError(fmt::format("{}:{}: {} fields, the header has {}", c.scores_csv, n, f.size(),
                                  header.size()));
    if (f[d] != c.dataset && f[d] != c.normal) continue;
    out.paths.push_back(f[p]);
    out.labels.push_back(f[l] == "0" ? 0 : 1);
    try {
      out.scores.push_back(std::stod(f[s]));
    } catch (const std::exception&) {
      throw DataError(fmt::format("{}:{}: score '{}' is not a number", c.scores_csv, n, f[s]));
    }
  }
  return out;
}

}  // namespace

void SweepRuns::addRun(const std::string& method, const std::string& run_dir) {
  if (std::find(methods.begin(), methods.end(), method) == methods.end()) methods.push_back(method);
  const RunLayout layout(run_dir);
  if (!fs::is_directory(layout.evaluations()))
    throw DataError(layout.evaluations().string() + ": no evaluation reports");
  const std::vector<TaskLayout> tasks = evaluatedTasks(layout);
  std::map<std::string, ColumnReport> run;
  for (const TaskLayout& task : tasks) {
    const TaskMetrics record = readTaskMetrics(task);
    for (const auto& [dataset, m] : record.datasets) {
      if (!m.scored()) continue;  // normal datasets: no column of their own
      const std::string column = tasks.size() > 1 ? task.name() + "/" + dataset : dataset;
      if (std::find(datasets.begin(), datasets.end(), column) == datasets.end())
        datasets.push_back(column);
      run[column] =
          ColumnReport{m, task.scores().string(), dataset, m.normal_reference.value_or("")};
    }
  }
  runs[method].push_back(std::move(run));
  run_dirs[method].push_back(run_dir);
}

const ColumnReport* SweepRuns::firstRun(const std::string& method,
                                        const std::string& column) const {
  const auto it = runs.find(method);
  if (it == runs.end() || it->second.empty()) return nullptr;
  const auto c = it->second.front().find(column);
  return c == it->second.front().end() ? nullptr : &c->second;
}

bool SweepRuns::severalSeeds() const {
  return std::any_of(runs.begin(), runs.end(), [](const auto& kv) { return kv.second.size() > 1; });
}

const ColumnScores& ScoresCache::of(const ColumnReport& c) {
  const std::string key = c.scores_csv + "\n" + c.dataset;
  auto it = read_.find(key);
  if (it == read_.end()) it = read_.emplace(key, readColumnScores(c)).first;
  return it->second;
}

std::optional<DelongResult> delongOf(const SweepRuns& runs, const std::string& a,
                                     const std::string& b, const std::string& column,
                                     ScoresCache& cache) {
  const ColumnReport* ra = runs.firstRun(a, column);
  const ColumnReport* rb = runs.firstRun(b, column);
  if (ra == nullptr || rb == nullptr) return std::nullopt;
  const ColumnScores &sa = cache.of(*ra), &sb = cache.of(*rb);
  if (sa.paths != sb.paths || sa.labels != sb.labels) {
    spdlog::warn("{}: {} and {} scored different images; no DeLong test", column, a, b);
    return std::nullopt;
  }
  try {
    return delongTest(sa.labels, sa.scores, sb.scores);
  } catch (const std::invalid_argument& e) {
    spdlog::warn("{}: {} vs {}: {}", column, a, b, e.what());
    return std::nullopt;
  }
}

}  // namespace morphaeus
