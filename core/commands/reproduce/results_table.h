// The paper-style comparison table of a sweep: rows = methods, columns = pathology datasets x
// (AUROC, AUPRC, FPR95, SSIM, L1), each cell mean +- std over the seeds (sample std, n - 1), the
// best mean per column in bold. Written as Markdown, CSV and LaTeX, plus an AUROC bar chart.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace morphaeus {

struct TableMetric {
  const char* label;  // column header, e.g. "AUROC"
  const char* key;    // metrics.json key, e.g. "auroc"
  bool higher_is_better;
};
const std::vector<TableMetric>& tableMetrics();

struct ResultsTable {
  std::vector<std::string> methods;   // row order
  std::vector<std::string> datasets;  // column groups: "<dataset>" or "<task>/<dataset>"
  // values[method][dataset][metric key]: one value per finished seed
  std::map<std::string, std::map<std::string, std::map<std::string, std::vector<double>>>> values;

  // Adds the reports of one finished run (<run_dir>/eval/<task>/metrics.json).
  void addRun(const std::string& method, const std::string& run_dir);
  std::string markdown() const;
  std::string csv() const;
  std::string latex() const;
  // Writes table.md, table.csv, table.tex and auroc.png (when figures can be written) into dir.
  void write(const std::string& dir) const;
};

}  // namespace morphaeus
