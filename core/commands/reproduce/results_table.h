// The sweep's tables, formatted last from the typed numbers (sweep_numbers.h) of the runs
// (sweep_runs.h); rows are the methods in the paper's order, columns the pathology datasets.
//   table.{md,csv,tex}: the paper's protocol (docs/METHOD.md section 5) on each method's first
//   seed:
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

#include <string>
#include <utility>
#include <vector>

#include "core/commands/reproduce/sweep_runs.h"
#include "core/report/text_table.h"

namespace morphaeus {

struct TableSection {
  std::string stem, heading;  // table_stats, "The whole test set: ..."
  TextTable table;
};

struct ResultsTable {
  SweepRuns runs;
  std::string reference = "MorphAEus";                     // DeLong's other side
  std::vector<std::pair<std::string, std::string>> pairs;  // further DeLong comparisons

  // Adds the reports of one finished run (<run_dir>/eval/<task>/metrics.json).
  void addRun(const std::string& method, const std::string& run_dir) {
    runs.addRun(method, run_dir);
  }
  // The tables above, each computed once (DeLong reads every run's scores.csv), with the file
  // stem and the heading they are written under.
  std::vector<TableSection> sections() const;
  static std::string markdown(const std::vector<TableSection>& sections);  // one after the other
  // The sections' files, auroc.png and report.html (the tables, the figure, a link to each
  // run's page).
  void write(const std::string& dir, const std::vector<TableSection>& sections) const;

 private:
  void writeReport(const std::string& dir, const std::vector<TableSection>& sections,
                   bool with_figure) const;
};

}  // namespace morphaeus
