#include "core/report/run_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/base/atomic_file.h"
#include "core/report/curve_plot.h"
#include "core/report/html_page.h"
#include "core/report/loss_curves.h"
#include "core/report/metric_columns.h"
#include "core/report/task_metrics.h"
#include "data/data_error.h"

namespace morphaeus {
namespace fs = std::filesystem;
namespace {

constexpr int kMapsPerDataset = 4;

std::string readAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The per-epoch rows; a line that does not parse is left out.
std::vector<nlohmann::json> epochRows(const fs::path& jsonl) {
  std::vector<nlohmann::json> rows;
  std::ifstream in(jsonl);
  for (std::string line; std::getline(in, line);) {
    auto row = nlohmann::json::parse(line, nullptr, false);
    if (!row.is_discarded() && row.is_object() && row.contains("epoch")) rows.push_back(row);
  }
  return rows;
}

bool plotted(const std::string& key) {
  return key.rfind("train_", 0) == 0 || key.rfind("val_", 0) == 0 || key == "lr";
}

std::vector<LossSeries> lossSeries(const std::vector<nlohmann::json>& rows) {
  std::map<std::string, LossSeries> by_name;
  std::vector<std::string> order;
  for (const auto& row : rows)
    for (const auto& [k, v] : row.items())
      if (plotted(k) && v.is_number() && !by_name.count(k)) order.push_back(k), by_name[k].name = k;
  for (const auto& row : rows) {
    for (const auto& k : order) {
      by_name[k].epochs.push_back(row["epoch"].get<double>());
      by_name[k].values.push_back(row.contains(k) && row[k].is_number()
                                      ? row[k].get<double>()
                                      : std::numeric_limits<double>::quiet_NaN());
    }
  }
  std::vector<LossSeries> out;
  for (const auto& k : order) out.push_back(by_name[k]);
  return out;
}

TextTable epochTable(const std::vector<nlohmann::json>& rows) {
  TextTable t;
  std::vector<std::string> keys = {"epoch"};
  for (const auto& row : rows)
    for (const auto& [k, v] : row.items())
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  for (const auto& k : keys) t.columns.push_back({k, {k}});
  for (const auto& row : rows) {
    std::vector<TableCell> cells;
    for (const auto& k : keys) {
      const std::string text = !row.contains(k) ? ""
                               : row[k].is_number_float()
                                   ? fmt::format("{:.5g}", row[k].get<double>())
                               : row[k].is_string() ? row[k].get<std::string>()
                                                    : row[k].dump();
      cells.push_back({text, {text}, false});
    }
    t.rows.push_back(std::move(cells));
  }
  return t;
}

TextTable datasetTable(const TaskMetrics& metrics) {
  const std::vector<const MetricColumn*> columns = shownColumns(metrics);
  TextTable t;
  for (const char* c : {"dataset", "images"}) t.columns.push_back({c, {c}});
  for (const MetricColumn* c : columns) t.columns.push_back({c->heading, {c->heading}});
  const auto add = [&](const std::string& name, const DatasetMetrics& m, bool normal) {
    std::vector<std::string> cells = {name + (normal ? " (normal)" : ""), std::to_string(m.images)};
    for (const MetricColumn* c : columns) cells.push_back(metricCell(m, *c, " ± "));
    std::vector<TableCell> row;
    for (auto& c : cells) row.push_back({c, {c}, false});
    t.rows.push_back(std::move(row));
  };
  for (const bool normal : {false, true})
    for (const auto& [name, m] : metrics.datasets)
      if (m.scored() != normal) add(name, m, normal);
  return t;
}

void taskSection(HtmlPage& page, const fs::path& run, const TaskLayout& task) {
  page.heading(2, "Task " + task.name());
  TaskMetrics metrics;
  try {
    metrics = readTaskMetrics(task);
  } catch (const DataError&) {
    page.paragraph(task.metrics().string() + ": not readable");
    return;
  }
  if (!metrics.score.empty()) page.paragraph("anomaly score: " + metrics.score);
  page.table(datasetTable(metrics));
  const auto rel = [&](const fs::path& p) { return fs::relative(p, run).generic_string(); };
  for (const fs::path& f : {task.rocPlot(), task.prPlot()})
    if (fs::exists(f)) page.image(rel(f), f.filename().string(), 480);
  std::vector<fs::path> sheets, map_dirs;
  for (const auto& e : fs::directory_iterator(task.dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(TaskLayout::kExamplesPrefix, 0) == 0 && e.path().extension() == ".png")
      sheets.push_back(e.path());
  }
  std::sort(sheets.begin(), sheets.end());
  if (!sheets.empty()) page.heading(3, "Examples: input, prior, reconstruction, residuals");
  for (const auto& s : sheets) page.image(rel(s), s.filename().string(), 1200);
  if (fs::is_directory(task.maps())) {
    page.heading(3, "Anomaly maps (the first of each dataset)");
    for (const auto& e : fs::directory_iterator(task.maps())) map_dirs.push_back(e.path());
    std::sort(map_dirs.begin(), map_dirs.end());
    for (const auto& d : map_dirs) {
      std::vector<fs::path> pngs;
      for (const auto& e : fs::directory_iterator(d))
        if (e.path().extension() == ".png") pngs.push_back(e.path());
      std::sort(pngs.begin(), pngs.end());
      if (pngs.size() > kMapsPerDataset) pngs.resize(kMapsPerDataset);
      for (const auto& p : pngs)
        page.image(rel(p), d.filename().string() + "/" + p.filename().string(), 200);
    }
  }
}

}  // namespace

std::string writeRunReport(const std::string& run_dir, const std::string& note,
                           const std::optional<RunningBanner>& running) {
  const fs::path run(run_dir);
  HtmlPage page("MorphAEus-cpp run " + run.filename().string());
  if (running) {
    page.reloadEvery(running->reload_s);
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &utc);
    page.raw(fmt::format(
        "<p id=\"running\" style=\"background:#fff3cd;padding:0.5em\">running: epoch {} of {}, "
        "last update {} (this page reloads every {} s; the evaluation follows the training)</p>\n",
        running->epochs_done, running->epochs, when, running->reload_s));
  }
  page.paragraph(note + " | " + fs::absolute(run).string());

  const RunLayout layout(run);
  const auto rows = epochRows(layout.epochMetrics());
  if (!rows.empty()) {
    page.heading(2, "Training curves");
    const auto series = lossSeries(rows);
    if (canWriteFigures() && !series.empty()) {
      writeLossCurves(layout.lossCurves().string(), series);
      page.image(RunLayout::kLossCurves,
                 "every loss term, the validation loss and the learning rate per epoch");
    }
    page.preformatted(epochTable(rows).markdown(), true, "per-epoch metrics (metrics.jsonl)");
  }
  for (const TaskLayout& t : evaluatedTasks(layout)) taskSection(page, run, t);
  if (fs::exists(layout.config())) {
    page.heading(2, "Configuration");
    page.preformatted(readAll(layout.config()), true, "config.yaml as the run resolved it");
  }
  const std::string path = layout.report().string();
  writeFileAtomic(path, page.html());
  return path;
}

}  // namespace morphaeus
