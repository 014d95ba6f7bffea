// The sweep's numbers as typed values (core/commands/reproduce/sweep_numbers.h), from runs made
// by hand: the paper's protocol takes the 5-seed bootstrap's mean and std (or the whole set's
// numbers where a report has no bootstrap) and averages the AUROC only where every column has
// one; the seeds' table is the mean and sample std over the seeds, against NumPy; the whole
// set's table carries the interval; DeLong's rows only for pairs that have both sides.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "core/commands/reproduce/sweep_numbers.h"
#include "tests/sweep_fixture.h"

namespace morphaeus {
namespace {
using namespace test;

// The whole set's numbers differ from the bootstrap's: the paper's table must show the latter.
DatasetMetrics withBootstrap(double auroc_mean, double auroc_std, double auprc_mean,
                             double fpr95_mean) {
  return bootstrappedDataset(scoredDataset(0.5, 0.5, 0.5), auroc_mean, auroc_std, auprc_mean,
                             fpr95_mean, 0.01);
}

TEST(SweepNumbers, ThePapersProtocolTakesTheBootstrapOrTheWholeSet) {
  const std::string d = makeTempDir("sweep-paper");
  writeTaskOfRun(d + "/a", "t",
                 {{"Pneu", withBootstrap(0.8, 0.02, 0.7, 0.3)},
                  {"Cardio", withBootstrap(0.6, 0.04, 0.5, 0.4)}});
  writeTaskOfRun(d + "/b", "t", {{"Pneu", scoredDataset(0.75, 0.65, 0.35)}});
  SweepRuns runs;
  runs.addRun("A", d + "/a");
  runs.addRun("B", d + "/b");
  const SweepNumbers n = paperNumbers(runs);
  EXPECT_EQ(n.at("A", "Pneu", "AUROC").value, 0.8);
  EXPECT_EQ(n.at("A", "Pneu", "AUROC").spread, 0.02);
  EXPECT_EQ(n.at("A", "Pneu", "AUPRC").value, 0.7);
  EXPECT_EQ(n.at("A", "Pneu", "FPR95").value, 0.3);
  EXPECT_DOUBLE_EQ(n.at("A", "", "average AUROC").value, 0.7);
  // B's report has no bootstrap: the whole set's numbers, no std; no Cardio: no average.
  EXPECT_EQ(n.at("B", "Pneu", "AUROC").value, 0.75);
  EXPECT_TRUE(std::isnan(n.at("B", "Pneu", "AUROC").spread));
  EXPECT_EQ(n.at("B", "Pneu", "FPR95").value, 0.35);
  EXPECT_TRUE(std::isnan(n.at("B", "Cardio", "AUROC").value));
  EXPECT_TRUE(std::isnan(n.at("B", "", "average AUROC").value));
  EXPECT_TRUE(std::isnan(n.at("C", "Pneu", "AUROC").value));  // nothing set
}

TEST(SweepNumbers, SeedsAreMeanAndSampleStdAsNumPyHasThem) {
  const std::string d = makeTempDir("sweep-seeds");
  const std::vector<double> aurocs = {0.81, 0.77, 0.9};
  const std::vector<double> l1 = {0.2, 0.25, 0.15};
  SweepRuns runs;
  for (std::size_t s = 0; s < aurocs.size(); ++s) {
    DatasetMetrics m = scoredDataset(aurocs[s], 0.5, 0.25);
    m.l1_mean = l1[s];
    const std::string run = d + "/seed" + std::to_string(s);
    writeTaskOfRun(run, "t", {{"Pneu", m}});
    runs.addRun("A", run);
  }
  // One more seed of B, without the column: counted where it has it.
  writeTaskOfRun(d + "/b", "t", {{"Pneu", scoredDataset(0.7, 0.5, 0.25)}});
  writeTaskOfRun(d + "/b2", "t", {{"Other", scoredDataset(0.7, 0.5, 0.25)}});
  runs.addRun("B", d + "/b");
  runs.addRun("B", d + "/b2");
  const CommandResult py = runCommand(
      "/usr/bin/python3 -c \"import numpy as np; a = np.array([0.81, 0.77, 0.9]); "
      "l = np.array([0.2, 0.25, 0.15]); "
      "print(repr(a.mean()), repr(a.std(ddof=1)), repr(l.mean()), repr(l.std(ddof=1)))\"");
  ASSERT_EQ(py.exit_code, 0) << py.err;
  std::istringstream in(py.out);
  double auroc_mean = 0, auroc_std = 0, l1_mean = 0, l1_std = 0;
  in >> auroc_mean >> auroc_std >> l1_mean >> l1_std;
  const SweepNumbers n = seedsNumbers(runs);
  const Estimate a = n.at("A", "Pneu", "AUROC");
  EXPECT_NEAR(a.value, auroc_mean, 1e-15);
  EXPECT_NEAR(a.spread, auroc_std, 1e-15);
  EXPECT_EQ(a.seeds, 3u);
  EXPECT_NEAR(n.at("A", "Pneu", "L1").value, l1_mean, 1e-15);
  EXPECT_NEAR(n.at("A", "Pneu", "L1").spread, l1_std, 1e-15);
  EXPECT_EQ(n.at("A", "", "seeds").value, 3);
  const Estimate b = n.at("B", "Pneu", "AUROC");
  EXPECT_EQ(b.seeds, 1u);
  EXPECT_EQ(b.value, 0.7);
  EXPECT_EQ(b.spread, 0);  // one seed: no spread
  EXPECT_EQ(n.at("B", "", "seeds").value, 2);
  EXPECT_EQ(n.at("B", "Other", "AUROC").seeds, 1u);
}

TEST(SweepNumbers, TheWholeSetCarriesItsIntervalAndDelongOnlyWithBothSides) {
  const std::string d = makeTempDir("sweep-stats");
  DatasetMetrics m = scoredDataset(0.8, 0.7, 0.3);
  BootstrapIntervals i;
  i.auroc = {0.7, 0.88};
  m.interval = i;
  writeTaskOfRun(d + "/a", "t", {{"Pneu", m}});
  writeTaskOfRun(d + "/ref", "t", {{"Pneu", scoredDataset(0.6, 0.5, 0.4)}});
  SweepRuns runs;
  runs.addRun("A", d + "/a");
  runs.addRun("Ref", d + "/ref");
  const SweepNumbers n = statsNumbers(runs, "Ref");
  const Estimate a = n.at("A", "Pneu", "AUROC");
  EXPECT_EQ(a.value, 0.8);
  EXPECT_EQ(a.low, 0.7);
  EXPECT_EQ(a.high, 0.88);
  EXPECT_TRUE(std::isnan(n.at("Ref", "Pneu", "AUROC").low));
  // The scores.csv files hold no images: no test, so no DeLong numbers.
  EXPECT_TRUE(std::isnan(n.at("A", "Pneu", "DeLong z").value));
  EXPECT_TRUE(std::isnan(n.at("Ref", "Pneu", "DeLong z").value));
  const SweepNumbers pairs = pairsNumbers(runs, {{"A", "Ref"}});
  EXPECT_TRUE(std::isnan(pairs.at("A vs Ref", "Pneu", "DeLong p").value));
}

TEST(SweepNumbers, TheSeedsTableShowsTheSweepColumnsOfTheMetricList) {
  std::vector<std::string> labels;
  for (const TableMetric& m : tableMetrics()) labels.push_back(m.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"AUROC", "AUPRC", "FPR95", "SSIM", "L1"}));
}

}  // namespace
}  // namespace morphaeus
