// The sweep's finished runs as their reports say (core/commands/reproduce/sweep_runs.h): the
// columns are the pathology datasets in the order first seen (named "<task>/<dataset>" where a
// run has several tasks), each run's column keeps its record and where its scores are, a run
// without reports is one error naming the folder, and DeLong's test of two methods reads their
// scores.csv: its two AUROCs against scikit-learn on the same file, and no test where the two
// scored different images.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/commands/reproduce/sweep_runs.h"
#include "data/data_error.h"
#include "tests/sweep_fixture.h"

namespace morphaeus {
namespace {
using namespace test;

std::vector<ScoredRow> scoredImages(const std::vector<double>& normal,
                                    const std::vector<double>& sick, const char* dataset = "Pneu") {
  std::vector<ScoredRow> rows;
  for (std::size_t i = 0; i < normal.size(); ++i)
    rows.push_back({"Normal", "n" + std::to_string(i) + ".png", 0, normal[i]});
  for (std::size_t i = 0; i < sick.size(); ++i)
    rows.push_back({dataset, "p" + std::to_string(i) + ".png", 1, sick[i]});
  return rows;
}

TEST(SweepRuns, ColumnsArePathologyDatasetsInTheOrderFirstSeen) {
  const std::string d = makeTempDir("sweep-runs");
  writeTaskOfRun(
      d + "/a1", "t",
      {{"Pneu", scoredDataset(0.8, 0.7, 0.3)}, {"Cardio", scoredDataset(0.6, 0.5, 0.4)}});
  writeTaskOfRun(d + "/b1", "t", {{"Pneu", scoredDataset(0.7, 0.6, 0.5)}});
  writeTaskOfRun(d + "/b2", "t", {{"Effusion", scoredDataset(0.9, 0.9, 0.1)}});
  SweepRuns runs;
  runs.addRun("B", d + "/b1");
  runs.addRun("A", d + "/a1");
  EXPECT_FALSE(runs.severalSeeds());
  runs.addRun("B", d + "/b2");
  EXPECT_TRUE(runs.severalSeeds());
  EXPECT_EQ(runs.methods, (std::vector<std::string>{"B", "A"}));
  // The normal dataset has no column; a run's datasets come by name.
  EXPECT_EQ(runs.datasets, (std::vector<std::string>{"Pneu", "Cardio", "Effusion"}));
  const ColumnReport* a = runs.firstRun("A", "Pneu");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->metrics.number("auroc"), 0.8);
  EXPECT_EQ(a->normal, "Normal");
  EXPECT_EQ(a->dataset, "Pneu");
  EXPECT_EQ(a->scores_csv, RunLayout(d + "/a1").task("t").scores().string());
  EXPECT_EQ(runs.firstRun("B", "Cardio"), nullptr);    // its first seed has no such column
  EXPECT_EQ(runs.firstRun("B", "Effusion"), nullptr);  // only its second seed has
  EXPECT_EQ(runs.firstRun("C", "Pneu"), nullptr);
  EXPECT_EQ(runs.run_dirs.at("B"), (std::vector<std::string>{d + "/b1", d + "/b2"}));
}

TEST(SweepRuns, SeveralTasksNameTheirColumns) {
  const std::string d = makeTempDir("sweep-tasks");
  writeTaskOfRun(d + "/r", "rsna", {{"Pneu", scoredDataset(0.8, 0.7, 0.3)}});
  writeTaskOfRun(d + "/r", "padchest", {{"Pneu", scoredDataset(0.6, 0.5, 0.4)}});
  SweepRuns runs;
  runs.addRun("A", d + "/r");
  EXPECT_EQ(runs.datasets, (std::vector<std::string>{"padchest/Pneu", "rsna/Pneu"}));
  EXPECT_EQ(runs.firstRun("A", "rsna/Pneu")->metrics.number("auroc"), 0.8);
}

TEST(SweepRuns, ARunWithoutReportsIsOneErrorNamingTheFolder) {
  const std::string d = makeTempDir("sweep-none");
  SweepRuns runs;
  try {
    runs.addRun("A", d);
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()),
              RunLayout(d).evaluations().string() + ": no evaluation reports");
  }
}

TEST(SweepRuns, DelongReadsBothMethodsScoresOfTheSameImages) {
  const std::string d = makeTempDir("sweep-delong");
  const std::vector<double> normal = {0.1, 0.4, 0.35, 0.8, 0.2, 0.3};
  writeTaskOfRun(d + "/a", "t", {{"Pneu", scoredDataset(0, 0, 0)}},
                 scoredImages(normal, {0.9, 0.7, 0.5, 0.3, 0.6}));
  writeTaskOfRun(d + "/b", "t", {{"Pneu", scoredDataset(0, 0, 0)}},
                 scoredImages(normal, {0.2, 0.45, 0.5, 0.9, 0.25}));
  writeTaskOfRun(d + "/c", "t", {{"Pneu", scoredDataset(0, 0, 0)}},
                 scoredImages({0.1, 0.2}, {0.9, 0.7}));
  SweepRuns runs;
  runs.addRun("A", d + "/a");
  runs.addRun("B", d + "/b");
  runs.addRun("C", d + "/c");
  ScoresCache cache;
  const auto test = delongOf(runs, "A", "B", "Pneu", cache);
  ASSERT_TRUE(test.has_value());
  const auto sklearn = [&](const std::string& run) {
    const CommandResult py = runCommand(
        "/usr/bin/python3 -c \"import csv; from sklearn.metrics import roc_auc_score; "
        "rows = list(csv.DictReader(open('" +
        RunLayout(run).task("t").scores().string() +
        "'))); print(repr(roc_auc_score([int(r['label']) for r in rows], "
        "[float(r['score']) for r in rows])))\"");
    EXPECT_EQ(py.exit_code, 0) << py.err;
    return std::stod(py.out);
  };
  EXPECT_NEAR(test->auroc_a, sklearn(d + "/a"), 1e-12);
  EXPECT_NEAR(test->auroc_b, sklearn(d + "/b"), 1e-12);
  EXPECT_GT(test->z, 0);  // A ranks the pathology higher
  EXPECT_GT(test->p_value, 0);
  EXPECT_LT(test->p_value, 1);
  EXPECT_FALSE(delongOf(runs, "A", "C", "Pneu", cache).has_value());  // other images
  EXPECT_FALSE(delongOf(runs, "A", "D", "Pneu", cache).has_value());  // no such method
}

TEST(SweepRuns, ABadScoresFileIsOneErrorNamingFileAndLine) {
  const std::string d = makeTempDir("sweep-bad-scores");
  writeTaskOfRun(d + "/a", "t", {{"Pneu", scoredDataset(0, 0, 0)}});
  const std::string csv = RunLayout(d + "/a").task("t").scores().string();
  writeText(csv, "dataset,path,label,score\nNormal,n.png,0,0.5\nPneu,p.png,1,high\n");
  SweepRuns runs;
  runs.addRun("A", d + "/a");
  ScoresCache cache;
  try {
    cache.of(*runs.firstRun("A", "Pneu"));
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()), csv + ":3: score 'high' is not a number");
  }
}

}  // namespace
}  // namespace morphaeus
