// Evaluation through the real executable: train briefly on synthetic data, evaluate, check the
// report files agree with each other (AUROC/AUPRC in metrics.json recomputed from scores.csv by
// scikit-learn) and that batched evaluation gives the per-image scores of batch size 1.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "tests/test_support.h"

namespace morphaeus::test {
namespace {
namespace fs = std::filesystem;

const std::string kTiny = tinyDemoArgs(16, 6, 8);

// Score column of a report CSV, by the quoted image path: scores.csv is
// dataset,"path",label,score,... (the score 1 field after the path); predictions.csv is
// "path",score,call (0 fields after).
std::map<std::string, double> scoresByPath(const std::string& csv, int fields_after_path) {
  std::map<std::string, double> out;
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    const auto q1 = line.find('"'), q2 = line.find('"', q1 + 1);
    std::size_t at = q2 + 1;
    for (int i = 0; i < fields_after_path; ++i) at = line.find(',', at + 1);
    out[line.substr(q1 + 1, q2 - q1 - 1)] = std::stod(line.substr(at + 1));
  }
  return out;
}

TEST(EvaluationCli, ReportsAgreeWithTheScoresAndBatchingDoesNotChangeThem) {
  const std::string d = makeTempDir("eval");
  CommandResult train = runCommand("cd " + d + " && '" + MORPHAEUS_EXE + "' --output t --set trainer.params.nr_epochs=2" + kTiny);
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const std::string report = d + "/t/eval/opacity";
  for (const char* f : {"metrics.json", "scores.csv", "table.md"}) EXPECT_TRUE(fs::exists(report + "/" + f)) << f;
  EXPECT_NE(train.out.find("| Opacity_synthetic |"), std::string::npos) << train.out;  // console table

  const std::string check =
      "import json, csv; from sklearn.metrics import roc_auc_score, average_precision_score\n"
      "rows = list(csv.DictReader(open('" + report + "/scores.csv')))\n"
      "m = json.load(open('" + report + "/metrics.json'))['datasets']['Opacity_synthetic']\n"
      "y = [int(r['label']) for r in rows]; s = [float(r['score']) for r in rows]\n"
      "assert len(rows) == 12, len(rows)\n"
      "assert abs(roc_auc_score(y, s) - m['auroc']) < 1e-12, (roc_auc_score(y, s), m['auroc'])\n"
      "assert abs(average_precision_score(y, s) - m['auprc']) < 1e-12\n"
      "assert 'pixel_auroc' in m and 'best_dice' in m and 'threshold' in json.load(open('" + report + "/metrics.json'))\n"
      "print('ok')\n";
  writeText(d + "/check.py", check);
  CommandResult py = runCommand("/usr/bin/python3 " + d + "/check.py");
  ASSERT_EQ(py.exit_code, 0) << py.err;

  // Evaluate the same weights with batch size 1 and 6: identical per-image scores.
  const std::string weights = d + "/t/best_model.pt";
  for (const char* b : {"1", "6"}) {
    CommandResult r = runCommand("cd " + d + " && '" + MORPHAEUS_EXE + "' --task test --weights " + weights +
                                 " --output b" + b + kTiny +
                                 " --set downstream_tasks.opacity.data_loader.params.args.batch_size=" + b);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const auto one = scoresByPath(d + "/b1/eval/opacity/scores.csv", 1);
  const auto six = scoresByPath(d + "/b6/eval/opacity/scores.csv", 1);
  ASSERT_EQ(one.size(), 12u);
  ASSERT_EQ(six.size(), 12u);
  for (const auto& [path, score] : one) EXPECT_NEAR(six.at(path), score, 1e-6) << path;

  // infer on new files: the evaluator's scores, calls from the threshold stored in the weights,
  // anomaly maps; an unreadable file is reported by name and the others still run (exit 1).
  const std::string normal = d + "/runs/demo-data/images/normal_test_00000.png";
  const std::string opacity = d + "/runs/demo-data/images/opacity_test_00000.png";
  fs::create_directories(d + "/new");
  fs::copy_file(normal, d + "/new/a.png");
  fs::copy_file(opacity, d + "/new/b.png");
  writeText(d + "/new/c.png", "broken");
  CommandResult inf = runCommand("cd " + d + " && '" + MORPHAEUS_EXE + "' infer --weights " + weights +
                                 " --input new --output inferred --device cpu");
  EXPECT_EQ(inf.exit_code, 1) << inf.err;
  EXPECT_NE(inf.err.find("new/c.png"), std::string::npos) << inf.err;
  const std::string csv = readText(d + "/inferred/predictions.csv");
  EXPECT_TRUE(fs::exists(d + "/inferred/maps/a.png"));
  EXPECT_TRUE(fs::exists(d + "/inferred/maps/b.png"));
  const auto inferred = scoresByPath(d + "/inferred/predictions.csv", 0);
  ASSERT_EQ(inferred.size(), 2u) << csv;
  EXPECT_NEAR(inferred.at("new/a.png"), one.at(normal), 1e-6);
  EXPECT_NEAR(inferred.at("new/b.png"), one.at(opacity), 1e-6);
  EXPECT_TRUE(csv.find(",normal\n") != std::string::npos || csv.find(",abnormal\n") != std::string::npos) << csv;
}

TEST(EvaluationCli, TestTaskNeedsWeights) {
  const std::string d = makeTempDir("evalnow");
  CommandResult r = runCommand("cd " + d + " && '" + MORPHAEUS_EXE + "' --task test --output o" + kTiny);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("task test needs experiment.weights"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace morphaeus::test
