#include "core/commands/reproduce/results_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "core/base/atomic_file.h"
#include "core/metrics/statistics.h"
#include "core/report/bar_plot.h"
#include "core/report/csv_quote.h"
#include "core/report/curve_plot.h"

namespace morphaeus {
namespace fs = std::filesystem;
namespace {

struct Cell {
  double mean = std::numeric_limits<double>::quiet_NaN(), std = 0;
  std::size_t n = 0;
};

double sampleStd(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  return stddev(v) * std::sqrt(static_cast<double>(v.size()) / static_cast<double>(v.size() - 1));
}

// Cells of one (dataset, metric) column and the row index of the best mean (-1: none).
std::pair<std::vector<Cell>, int> column(const ResultsTable& t, const std::string& dataset,
                                         const TableMetric& m) {
  std::vector<Cell> cells;
  int best = -1;
  for (const auto& method : t.methods) {
    Cell c;
    auto mi = t.values.find(method);
    if (mi != t.values.end() && mi->second.count(dataset) && mi->second.at(dataset).count(m.key)) {
      const auto& v = mi->second.at(dataset).at(m.key);
      if (!v.empty()) c = Cell{mean(v), sampleStd(v), v.size()};
    }
    if (!std::isnan(c.mean) && (best < 0 || (m.higher_is_better ? c.mean > cells[best].mean
                                                                : c.mean < cells[best].mean))) {
      best = static_cast<int>(cells.size());
    }
    cells.push_back(c);
  }
  return {cells, best};
}

// The best cell and every cell whose mean rounds to the same three decimals.
bool isBest(const std::vector<Cell>& col, std::size_t row, int best) {
  if (best < 0 || std::isnan(col[row].mean)) return false;
  return fmt::format("{:.3f}", col[row].mean) == fmt::format("{:.3f}", col[best].mean);
}

std::string cellText(const Cell& c, const char* pm) {
  if (std::isnan(c.mean)) return "-";
  return c.n > 1 ? fmt::format("{:.3f}{}{:.3f}", c.mean, pm, c.std) : fmt::format("{:.3f}", c.mean);
}

// Every row's cells, column by column: "mean<pm>std", the best ones wrapped in open/close.
std::vector<std::vector<std::string>> formattedCells(const ResultsTable& t, const char* pm,
                                                     const std::string& open,
                                                     const std::string& close) {
  std::vector<std::vector<std::string>> cells(t.methods.size());
  for (const auto& d : t.datasets) {
    for (const auto& m : tableMetrics()) {
      const auto [col, best] = column(t, d, m);
      for (std::size_t r = 0; r < col.size(); ++r) {
        const std::string text = cellText(col[r], pm);
        cells[r].push_back(isBest(col, r, best) ? open + text + close : text);
      }
    }
  }
  return cells;
}

std::string latexEscape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '_' || ch == '%' || ch == '&' || ch == '#') out += '\\';
    out += ch;
  }
  return out;
}

}  // namespace

const std::vector<TableMetric>& tableMetrics() {
  static const std::vector<TableMetric> kMetrics = {{"AUROC", "auroc", true},
                                                    {"AUPRC", "auprc", true},
                                                    {"FPR95", "fpr_at_tpr95", false},
                                                    {"SSIM", "ssim_mean", true},
                                                    {"L1", "l1_mean", false}};
  return kMetrics;
}

void ResultsTable::addRun(const std::string& method, const std::string& run_dir) {
  if (std::find(methods.begin(), methods.end(), method) == methods.end()) methods.push_back(method);
  const fs::path eval = fs::path(run_dir) / "eval";
  if (!fs::is_directory(eval)) throw std::runtime_error(eval.string() + ": no evaluation reports");
  std::vector<fs::path> tasks;
  for (const auto& e : fs::directory_iterator(eval))
    if (fs::exists(e.path() / "metrics.json")) tasks.push_back(e.path());
  std::sort(tasks.begin(), tasks.end());
  for (const auto& task : tasks) {
    std::ifstream in(task / "metrics.json");
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error((task / "metrics.json").string() + ": " + e.what());
    }
    for (const auto& [dataset, m] : j.at("datasets").items()) {
      if (!m.contains("auroc")) continue;  // normal datasets: no column of their own
      const std::string column =
          tasks.size() > 1 ? task.filename().string() + "/" + dataset : dataset;
      if (std::find(datasets.begin(), datasets.end(), column) == datasets.end())
        datasets.push_back(column);
      for (const auto& metric : tableMetrics()) {
        if (m.contains(metric.key))
          values[method][column][metric.key].push_back(m.at(metric.key).get<double>());
      }
    }
  }
}

std::string ResultsTable::markdown() const {
  std::ostringstream out;
  out << "| method |";
  for (const auto& d : datasets)
    for (const auto& m : tableMetrics()) out << " " << d << " " << m.label << " |";
  out << "\n|---|";
  for (std::size_t i = 0; i < datasets.size() * tableMetrics().size(); ++i) out << "---|";
  out << "\n";
  const auto cells = formattedCells(*this, " ± ", "**", "**");
  for (std::size_t r = 0; r < methods.size(); ++r) {
    out << "| " << methods[r] << " |";
    for (const auto& c : cells[r]) out << " " << c << " |";
    out << "\n";
  }
  return out.str();
}

std::string ResultsTable::csv() const {
  std::ostringstream out;
  out << "method";
  for (const auto& d : datasets)
    for (const auto& m : tableMetrics())
      out << "," << csvQuote(d + " " + m.label + " mean") << ","
          << csvQuote(d + " " + m.label + " std");
  out << ",seeds\n";
  std::vector<std::vector<Cell>> cells(methods.size());
  for (const auto& d : datasets)
    for (const auto& m : tableMetrics()) {
      const auto col = column(*this, d, m).first;
      for (std::size_t r = 0; r < col.size(); ++r) cells[r].push_back(col[r]);
    }
  for (std::size_t r = 0; r < methods.size(); ++r) {
    out << csvQuote(methods[r]);
    std::size_t n = 0;
    for (const auto& c : cells[r]) {
      n = std::max(n, c.n);
      out << "," << (std::isnan(c.mean) ? "" : fmt::format("{:.17g}", c.mean)) << ","
          << (std::isnan(c.mean) ? "" : fmt::format("{:.17g}", c.std));
    }
    out << "," << n << "\n";
  }
  return out.str();
}

std::string ResultsTable::latex() const {
  const std::size_t n_metrics = tableMetrics().size();
  std::ostringstream out;
  out << "\\begin{tabular}{l" << std::string(datasets.size() * n_metrics, 'c') << "}\n\\toprule\n";
  for (const auto& d : datasets)
    out << " & \\multicolumn{" << n_metrics << "}{c}{" << latexEscape(d) << "}";
  out << " \\\\\nmethod";
  for (std::size_t i = 0; i < datasets.size(); ++i)
    for (const auto& m : tableMetrics())
      out << " & " << m.label << (m.higher_is_better ? " $\\uparrow$" : " $\\downarrow$");
  out << " \\\\\n\\midrule\n";
  const auto cells = formattedCells(*this, " $\\pm$ ", "\\textbf{", "}");
  for (std::size_t r = 0; r < methods.size(); ++r) {
    out << latexEscape(methods[r]);
    for (const auto& c : cells[r]) out << " & " << c;
    out << " \\\\\n";
  }
  out << "\\bottomrule\n\\end{tabular}\n";
  return out.str();
}

void ResultsTable::write(const std::string& dir) const {
  fs::create_directories(dir);
  writeFileAtomic((fs::path(dir) / "table.md").string(), markdown());
  writeFileAtomic((fs::path(dir) / "table.csv").string(), csv());
  writeFileAtomic((fs::path(dir) / "table.tex").string(), latex());
  if (!canWriteFigures() || datasets.empty()) return;
  BarPlot plot{"AUROC per method", "AUROC (mean +- std over seeds)", datasets, {}, 0.0, 1.0};
  const TableMetric& auroc = tableMetrics().front();
  for (std::size_t r = 0; r < methods.size(); ++r) plot.groups.push_back({methods[r], {}, {}});
  for (const auto& d : datasets) {
    const auto col = column(*this, d, auroc).first;
    for (std::size_t r = 0; r < col.size(); ++r) {
      plot.groups[r].values.push_back(col[r].mean);
      plot.groups[r].errors.push_back(col[r].std);
    }
  }
  writeBarPlot((fs::path(dir) / "auroc.png").string(), plot);
}

}  // namespace morphaeus
