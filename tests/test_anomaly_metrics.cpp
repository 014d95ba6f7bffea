// The evaluator's numbers (projects/morphaeus/anomaly_metrics.h) from scored images made by hand,
// against NumPy and scikit-learn: each dataset's summaries (population std) and flagged
// fraction; every pathology dataset against the first normal dataset only (a second normal one
// is not pooled): AUROC, AUPRC, the pixel AUROC; the bootstrap or the note saying why there is
// none; nothing scored without compute_scores; table.md's rows, pathology first.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "projects/morphaeus/anomaly_metrics.h"
#include "tests/test_support.h"

namespace morphaeus {
namespace {
using namespace test;

ScoredDataset scored(const std::string& name, int label, const std::vector<double>& scores) {
  ScoredDataset d;
  d.name = name;
  d.label = label;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    d.images.index.push_back(i);
    d.images.score.push_back(scores[i]);
    d.images.l1.push_back(scores[i] / 2);
    d.images.ssim.push_back(1 - scores[i]);
    d.paths.push_back(name + std::to_string(i) + ".png");
  }
  return d;
}

// The datasets in the config's order: a normal one, the pathology, a second normal one.
std::vector<ScoredDataset> sample() {
  std::vector<ScoredDataset> d = {scored("Normal_A", 0, {0.1, 0.3, 0.2, 0.5, 0.45}),
                                  scored("Pneu", 1, {0.4, 0.8, 0.6, 0.25}),
                                  scored("Normal_B", 0, {0.9, 0.95})};
  // Pixel maps and masks of the pathology (4 images of 3 pixels).
  d[1].images.maps =
      torch::tensor({0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.35, 0.5, 0.05, 0.65}, torch::kDouble)
          .reshape({4, 3});
  d[1].images.masks =
      torch::tensor({0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0}, torch::kInt).reshape({4, 3});
  return d;
}

std::vector<double> numbersFrom(const std::string& python) {
  const CommandResult py = runCommand("/usr/bin/python3 -c \"" + python + "\"");
  EXPECT_EQ(py.exit_code, 0) << py.err;
  std::istringstream in(py.out);
  std::vector<double> out;
  for (double v = 0; in >> v;) out.push_back(v);
  return out;
}

TEST(AnomalyMetrics, AgainstNumPyAndScikitLearn) {
  AnomalyMetricsOptions o;
  o.threshold = 0.35;
  o.intervals.resamples = 0;
  std::vector<DatasetCurves> curves;
  const std::map<std::string, DatasetMetrics> m = anomalyMetrics(sample(), o, &curves);
  ASSERT_EQ(m.size(), 3u);
  const std::vector<double> ref = numbersFrom(
      "import numpy as np; from sklearn.metrics import roc_auc_score, average_precision_score; "
      "n = [0.1, 0.3, 0.2, 0.5, 0.45]; p = [0.4, 0.8, 0.6, 0.25]; y = [0] * 5 + [1] * 4; "
      "maps = [0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.35, 0.5, 0.05, 0.65]; "
      "masks = [0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0]; "
      "print(repr(np.mean(n)), repr(np.std(n)), repr(np.mean(np.array(p) / 2)), "
      "repr(np.std(1 - np.array(p))), repr(roc_auc_score(y, n + p)), "
      "repr(average_precision_score(y, n + p)), repr(roc_auc_score(masks, maps)), "
      "repr(average_precision_score(masks, maps)))");
  ASSERT_EQ(ref.size(), 8u);
  const DatasetMetrics &a = m.at("Normal_A"), &p = m.at("Pneu"), &b = m.at("Normal_B");
  EXPECT_EQ(a.images, 5);
  EXPECT_NEAR(*a.score_mean, ref[0], 1e-15);
  EXPECT_NEAR(*a.score_std, ref[1], 1e-15);
  EXPECT_NEAR(*p.l1_mean, ref[2], 1e-15);
  EXPECT_NEAR(*p.ssim_std, ref[3], 1e-15);
  EXPECT_EQ(a.flagged_fraction, 0.4);  // 0.5 and 0.45 are above 0.35
  EXPECT_EQ(p.flagged_fraction, 0.75);
  ASSERT_TRUE(p.scored());
  EXPECT_NEAR(p.detection->auroc, ref[4], 1e-12);
  EXPECT_NEAR(p.detection->auprc, ref[5], 1e-12);
  EXPECT_EQ(p.normal_reference, std::optional<std::string>("Normal_A"));
  EXPECT_NEAR(*p.pixel_auroc, ref[6], 1e-12);
  EXPECT_NEAR(*p.pixel_auprc, ref[7], 1e-12);
  EXPECT_TRUE(p.best_dice.has_value());
  EXPECT_FALSE(a.scored());
  EXPECT_FALSE(b.scored());  // the second normal dataset: neither scored nor pooled
  EXPECT_FALSE(a.lpips_mean.has_value());
  // The paper's bootstrap, or (a resample of one class) the note why not; never both missing.
  EXPECT_NE(p.bootstrap.has_value(), p.bootstrap_note.has_value());
  if (p.bootstrap) EXPECT_EQ(p.bootstrap->seeds, paperBootstrapSeeds());
  EXPECT_FALSE(p.interval.has_value());  // no resamples asked for
  // The curves: the pathology and the first normal dataset, in the config's order.
  ASSERT_EQ(curves.size(), 1u);
  EXPECT_EQ(curves[0].labels, (std::vector<int>{0, 0, 0, 0, 0, 1, 1, 1, 1}));
}

TEST(AnomalyMetrics, WithoutComputeScoresNothingIsScored) {
  AnomalyMetricsOptions o;
  o.compute_scores = false;
  const auto m = anomalyMetrics(sample(), o);
  EXPECT_FALSE(m.at("Pneu").scored());
  EXPECT_FALSE(m.at("Pneu").bootstrap.has_value());
  EXPECT_FALSE(m.at("Pneu").flagged_fraction.has_value());  // no threshold
  EXPECT_TRUE(m.at("Pneu").pixel_auroc.has_value());        // the masks still give these
}

TEST(AnomalyMetrics, TheTableListsThePathologyFirst) {
  AnomalyMetricsOptions o;
  o.intervals.resamples = 0;
  const std::vector<ScoredDataset> datasets = sample();
  TaskMetrics record;
  record.datasets = anomalyMetrics(datasets, o);
  const std::string table = metricsTable(record, datasets);
  const auto row = [&](const std::string& start) { return table.find("\n| " + start + " |"); };
  ASSERT_NE(row("Pneu"), std::string::npos) << table;
  EXPECT_LT(row("Pneu"), row("Normal_A (normal)")) << table;
  EXPECT_LT(row("Normal_A (normal)"), row("Normal_B (normal)")) << table;
  EXPECT_EQ(table.find("LPIPS"), std::string::npos) << table;
  // With LPIPS values (its weights given), the column is there.
  std::vector<ScoredDataset> with_lpips = sample();
  for (ScoredDataset& d : with_lpips) d.images.lpips = d.images.l1;
  o.lpips = true;
  TaskMetrics lpips_record;
  lpips_record.datasets = anomalyMetrics(with_lpips, o);
  EXPECT_NE(metricsTable(lpips_record, with_lpips).find("| LPIPS |"), std::string::npos);
}

}  // namespace
}  // namespace morphaeus
