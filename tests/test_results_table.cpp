// The sweep's tables formatted last (core/commands/reproduce/results_table.h), from runs made by
// hand: which tables there are (the seeds' only with several seeds, the pairs' only when asked
// for), the paper's table as the paper prints it (AUROC "mean ± std" to 3 decimals, the best of
// a column in bold, the lowest FPR95 being the best; every digit in the CSV), and the files and
// page written. The expected cells are written out by hand from the numbers.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/commands/reproduce/results_table.h"
#include "tests/sweep_fixture.h"

namespace morphaeus {
namespace {
namespace fs = std::filesystem;
using namespace test;

DatasetMetrics bootstrapped(double auroc, double auroc_std, double auprc, double fpr95) {
  return bootstrappedDataset(scoredDataset(auroc, auprc, fpr95), auroc, auroc_std, auprc, fpr95);
}

std::vector<std::string> stems(const std::vector<TableSection>& sections) {
  std::vector<std::string> out;
  for (const auto& s : sections) out.push_back(s.stem);
  return out;
}

TEST(ResultsTable, ThePapersTableBoldsTheBestOfEachColumn) {
  const std::string d = makeTempDir("results-table");
  writeTaskOfRun(d + "/m", "t", {{"Pneu", bootstrapped(0.81234, 0.0123, 0.7, 0.35)}});
  writeTaskOfRun(d + "/ae", "t", {{"Pneu", bootstrapped(0.75, 0.02, 0.72, 0.3)}});
  ResultsTable table;
  table.addRun("MorphAEus", d + "/m");
  table.addRun("AE", d + "/ae");
  const std::vector<TableSection> sections = table.sections();
  EXPECT_EQ(stems(sections), (std::vector<std::string>{"table", "table_stats"}));
  const TextTable& paper = sections.front().table;
  EXPECT_EQ(paper.markdown(),
            "| method | Pneu AUROC | Pneu AUPRC | Pneu FPR95 | average AUROC |\n"
            "|---|---|---|---|---|\n"
            "| MorphAEus | **0.812 ± 0.012** | 0.700 | 0.350 | **0.812** |\n"
            "| AE | 0.750 ± 0.020 | **0.720** | **0.300** | 0.750 |\n");
  EXPECT_EQ(paper.csv(),
            "method,Pneu AUROC mean,Pneu AUROC std,Pneu AUPRC,Pneu FPR95,average AUROC\n"
            "MorphAEus,0.81233999999999995,0.0123,0.69999999999999996,0.34999999999999998,"
            "0.81233999999999995\n"
            "AE,0.75,0.02,0.71999999999999997,0.29999999999999999,0.75\n");
  const std::string md = ResultsTable::markdown(sections);
  EXPECT_EQ(md.rfind("## The paper's protocol", 0), 0u) << md;
  EXPECT_NE(md.find("\n\n## The whole test set"), std::string::npos) << md;
}

TEST(ResultsTable, SeedsAndPairsTablesOnlyWhenThereAreSome) {
  const std::string d = makeTempDir("results-sections");
  writeTaskOfRun(d + "/m1", "t", {{"Pneu", scoredDataset(0.8, 0.7, 0.3)}});
  writeTaskOfRun(d + "/m2", "t", {{"Pneu", scoredDataset(0.7, 0.7, 0.3)}});
  writeTaskOfRun(d + "/ae", "t", {{"Pneu", scoredDataset(0.6, 0.7, 0.3)}});
  ResultsTable table;
  table.addRun("MorphAEus", d + "/m1");
  table.addRun("AE", d + "/ae");
  EXPECT_EQ(stems(table.sections()), (std::vector<std::string>{"table", "table_stats"}));
  table.pairs = {{"AE", "MorphAEus"}};
  table.addRun("MorphAEus", d + "/m2");
  const std::vector<TableSection> sections = table.sections();
  EXPECT_EQ(stems(sections),
            (std::vector<std::string>{"table", "table_stats", "table_pairs", "table_seeds"}));
  // Seeds: mean ± sample std of 0.8 and 0.7; AE's one seed shows no std.
  const std::string seeds = sections.back().table.markdown();
  EXPECT_NE(seeds.find("| MorphAEus | **0.750 ± 0.071** |"), std::string::npos) << seeds;
  EXPECT_NE(seeds.find("| AE | 0.600 |"), std::string::npos) << seeds;

  const std::string out = d + "/out";
  fs::create_directories(out);
  table.write(out, sections);
  for (const char* f : {"table.md", "table.csv", "table.tex", "table_stats.md", "table_pairs.md",
                        "table_pairs.csv", "table_seeds.md", "table_seeds.tex", "report.html"})
    EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
  const std::string page = readText(out + "/report.html");
  EXPECT_NE(page.find("MorphAEus m2 (no report.html)"), std::string::npos) << page;
}

}  // namespace
}  // namespace morphaeus
