// The sweep's tables, from each run's <run>/eval/<task>/metrics.json and scores.csv. Columns are
// the pathology datasets ("<dataset>", or "<task>/<dataset>" where a run has several tasks);
// rows the methods in the paper's order.
//   table.{md,csv,tex}: the paper's protocol (METHOD.md section 5) on each method's first seed:
//     AUROC as the 5-seed bootstrap's mean ± population std, AUPRC and FPR95 as its means, and
//     the average AUROC over the columns; the best of each column in bold.
//   table_stats.{md,csv,tex}: beyond the paper, same runs: the AUROC of the whole test set, its
//     percentile bootstrap interval, and DeLong's test of each method against the reference
//     method (MorphAEus) on the same images: z and two-sided p.
//   table_pairs.{md,csv}: DeLong's test for the pairs asked for (--compare A,B).
//   table_seeds.{md,csv,tex} (two seeds or more): mean ± sample std (n - 1) over the seeds of
//     the whole-set AUROC, AUPRC, FPR95, SSIM and L1; auroc.png shows its AUROCs (or, with one
//     seed, the bootstrap's).
//   report.html: all of them, auroc.png and a link to every run's report.html.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/report/text_table.h"

namespace morphaeus {

struct TableMetric {
  const char* label;  // column header, e.g. "AUROC"
  const char* key;    // metrics.json key, e.g. "auroc"
  bool higher_is_better;
};
const std::vector<TableMetric>& tableMetrics();  // the seeds table's

struct TableSection {
  std::string stem, heading;  // table_stats, "The whole test set: ..."
  TextTable table;
};

// One pathology dataset of one run: its metrics.json entry and where its per-image scores are.
struct ColumnReport {
  nlohmann::json metrics;
  std::string scores_csv, dataset, normal;
};

struct ResultsTable {
  std::vector<std::string> methods;   // row order
  std::vector<std::string> datasets;  // columns
  std::map<std::string, std::vector<std::map<std::string, ColumnReport>>> runs;  // per seed
  std::map<std::string, std::vector<std::string>> run_dirs;                      // per seed
  std::string reference = "MorphAEus";                     // DeLong's other side
  std::vector<std::pair<std::string, std::string>> pairs;  // further DeLong comparisons

  // Adds the reports of one finished run (<run_dir>/eval/<task>/metrics.json).
  void addRun(const std::string& method, const std::string& run_dir);
  TextTable paperTable() const;
  TextTable statsTable() const;
  TextTable pairsTable() const;
  TextTable seedsTable() const;
  bool severalSeeds() const;
  // The tables above, each computed once (DeLong reads every run's scores.csv), with the file
  // stem and the heading they are written under.
  std::vector<TableSection> sections() const;
  static std::string markdown(const std::vector<TableSection>& sections);  // one after the other
  // The sections' files, auroc.png and report.html (the tables, the figure, a link to each
  // run's page).
  void write(const std::string& dir, const std::vector<TableSection>& sections) const;
  void writeReport(const std::string& dir, const std::vector<TableSection>& sections,
                   bool with_figure) const;
};

}  // namespace morphaeus
