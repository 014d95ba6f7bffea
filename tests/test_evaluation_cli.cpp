// Evaluation through the real executable: train briefly on synthetic data, evaluate two tasks,
// check the report files agree with each other (AUROC/AUPRC in metrics.json recomputed from
// scores.csv by scikit-learn, the paper's bootstrap and the intervals recomputed by NumPy, saved
// anomaly maps reduce to the scores) and that batched evaluation gives the per-image scores of
// batch size 1.
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

// The demo's configuration with a second task on the same data: max of the smoothed map, maps
// saved, two images per example sheet, LPIPS with the weights in `lpips_dir`, a second
// pathology dataset (the same images without masks: the same AUROC, no pixel metrics) and a
// second normal dataset (the validation images), which upstream does not pool into the reference:
// the pathology datasets are compared with the first normal one alone.
std::string twoTaskConfig(const std::string& lpips_dir) {
  return readText(sourcePath("configs/demo.yaml")) +
         "  opacity_max:\n"
         "    module_name: projects.23_morphaeus.DownstreamEvaluator\n"
         "    class_name: PDownstreamEvaluator\n"
         "    params: {score_reduction: max, smoothing_sigma: 2, save_maps: true, example_images: "
         "2,\n"
         "             lpips_alexnet_weights: " +
         lpips_dir +
         "/alexnet.pth,\n"
         "             lpips_weights: " +
         lpips_dir +
         "/lpips_alex.pth}\n"
         "    data_loader:\n"
         "      module_name: core.DataLoader\n"
         "      class_name: DefaultDataLoader\n"
         "      params: {args: {target_size: *target_size, batch_size: 5}}\n"
         "      datasets:\n"
         "        Normal_synthetic: {data_dir: {test: "
         "['../runs/demo-data/splits/normal_test.csv']}}\n"
         "        Opacity_synthetic:\n"
         "          data_dir: {test: ['../runs/demo-data/splits/opacity_test.csv']}\n"
         "          label_dir: {test: ['../runs/demo-data/splits/opacity_test_masks.csv']}\n"
         "        Opacity_again: {data_dir: {test: "
         "['../runs/demo-data/splits/opacity_test.csv']}}\n"
         "        Normal_validation: {data_dir: {test: "
         "['../runs/demo-data/splits/normal_val.csv']}}\n";
}

TEST(EvaluationCli, ReportsAgreeWithTheScoresAndBatchingDoesNotChangeThem) {
  const std::string d = makeTempDir("eval");
  fs::create_directories(d + "/configs");
  CommandResult lp = runCommand("/usr/bin/python3 " +
                                sourcePath("tests/python/lpips_reference.py") + " make " + d);
  ASSERT_EQ(lp.exit_code, 0) << lp.err;
  writeText(d + "/configs/two.yaml", twoTaskConfig(d));
  CommandResult train =
      runCommand("cd " + d + " && '" + MORPHAEUS_EXE +
                 "' --config configs/two.yaml --output t --set trainer.params.nr_epochs=2" + kTiny);
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const std::string report = d + "/t/eval/opacity";
  for (const char* f : {"metrics.json", "scores.csv", "table.md", "roc.png", "pr.png",
                        "examples_Normal_synthetic.png", "examples_Opacity_synthetic.png"}) {
    EXPECT_TRUE(fs::exists(report + "/" + f)) << f;
  }
  EXPECT_FALSE(fs::exists(report + "/maps"));  // only on request
  EXPECT_NE(train.out.find("# opacity\n"), std::string::npos)
      << train.out;  // console tables of both tasks
  EXPECT_NE(train.out.find("# opacity_max\n"), std::string::npos) << train.out;
  EXPECT_NE(train.out.find("| Opacity_synthetic |"), std::string::npos) << train.out;

  // The second task: every saved map (.npy) reduces to its image's score, and the .png exists.
  const std::string maps_check =
      "import csv, glob, json, os; import numpy as np\n"
      "r = '" +
      d +
      "/t/eval/opacity_max'\n"
      "m = json.load(open(r + '/metrics.json'))\n"
      "assert m['score'] == 'max gauss_2 * |rec - x|'\n"
      "rows = list(csv.DictReader(open(r + '/scores.csv')))\n"
      "assert len(rows) == 22, len(rows)\n"
      "a, b = m['datasets']['Opacity_synthetic'], m['datasets']['Opacity_again']\n"
      "assert a['auroc'] == b['auroc'] and a['auprc'] == b['auprc'] and 'pixel_auroc' not in b\n"
      "from sklearn.metrics import roc_auc_score\n"
      "first = [x for x in rows if x['dataset'] in ('Normal_synthetic', 'Opacity_synthetic')]\n"
      "y, s = [int(x['label']) for x in first], [float(x['score']) for x in first]\n"
      "assert abs(roc_auc_score(y, s) - a['auroc']) < 1e-12, (roc_auc_score(y, s), a['auroc'])\n"
      "assert a['normal_reference'] == 'Normal_synthetic' and 'auroc' not in "
      "m['datasets']['Normal_validation']\n"
      "assert '| Opacity_again |' in open(r + '/table.md').read()\n"
      "lp = [float(x['lpips']) for x in rows if x['dataset'] == 'Opacity_synthetic']\n"
      "assert abs(np.mean(lp) - m['datasets']['Opacity_synthetic']['lpips_mean']) < 1e-12 and "
      "min(lp) > 0\n"
      "assert 'LPIPS' in open(r + '/table.md').read()\n"
      "for ds in ('Normal_synthetic', 'Opacity_synthetic'):\n"
      "    mine = [x for x in rows if x['dataset'] == ds]\n"
      "    files = sorted(glob.glob(r + '/maps/' + ds + '/*.npy'))\n"
      "    assert len(files) == len(mine) == 6, (len(files), len(mine))\n"
      "    for f, row in zip(files, mine):\n"
      "        a = np.load(f); assert a.shape == (128, 128) and a.dtype == np.float32\n"
      "        assert os.path.basename(f)[6:-4] == os.path.basename(row['path'])[:-4], (f, "
      "row['path'])\n"
      "        assert abs(float(a.max()) - float(row['score'])) < 1e-7, (f, a.max(), "
      "row['score'])\n"
      "        assert os.path.exists(f[:-4] + '.png')\n"
      "print('ok')\n";
  writeText(d + "/maps_check.py", maps_check);
  CommandResult maps = runCommand("/usr/bin/python3 " + d + "/maps_check.py");
  ASSERT_EQ(maps.exit_code, 0) << maps.err;

  // The paper's 5-seed bootstrap and the 1000-resample intervals, against NumPy + sklearn.
  for (const std::string& where :
       {report + " Opacity_synthetic", d + "/t/eval/opacity_max Opacity_again"}) {
    CommandResult boot = runCommand(
        "/usr/bin/python3 " + sourcePath("tests/python/bootstrap_check.py") + " eval " + where);
    ASSERT_EQ(boot.exit_code, 0) << where << ": " << boot.err << boot.out;
  }
  EXPECT_NE(readText(report + "/table.md").find("AUROC bootstrap (5 seeds)"), std::string::npos);

  // report.html in a real browser: loaded, every image drawn, no script error, nothing missing.
  ASSERT_TRUE(fs::exists(d + "/t/report.html"));
  EXPECT_TRUE(fs::exists(d + "/t/curves.png"));
  const RenderedPage page = renderInBrowser(d + "/t/report.html");
  for (const auto& p : page.problems) ADD_FAILURE() << p;
  for (const char* text :
       {"Training curves", "Task opacity", "Task opacity_max", "AUROC bootstrap",
        "examples_Opacity_synthetic.png", "maps/Opacity_synthetic/", "Configuration"})
    EXPECT_NE(page.dom.find(text), std::string::npos) << text;
  EXPECT_NE(page.dom.find("data-images=\""), std::string::npos) << page.dom.substr(0, 2000);

  const std::string check =
      "import json, csv; from sklearn.metrics import roc_auc_score, average_precision_score\n"
      "rows = list(csv.DictReader(open('" +
      report +
      "/scores.csv')))\n"
      "m = json.load(open('" +
      report +
      "/metrics.json'))['datasets']['Opacity_synthetic']\n"
      "y = [int(r['label']) for r in rows]; s = [float(r['score']) for r in rows]\n"
      "assert len(rows) == 12, len(rows)\n"
      "assert abs(roc_auc_score(y, s) - m['auroc']) < 1e-12, (roc_auc_score(y, s), m['auroc'])\n"
      "assert abs(average_precision_score(y, s) - m['auprc']) < 1e-12\n"
      "assert 'pixel_auroc' in m and 'best_dice' in m and 'threshold' in json.load(open('" +
      report +
      "/metrics.json'))\n"
      "import torch, numpy as np, glob, os\n"
      "th = json.load(open('" +
      report +
      "/metrics.json'))['threshold']['value']\n"
      "assert abs(torch.load('" +
      d +
      "/t/best_model.pt')['threshold'] - th) < 1e-15\n"
      // The threshold is on the scale of the evaluation's (and infer's) scores: the 95th
      // percentile of infer's scores of the validation images, read as the evaluation reads.
      "val = [float(x.split(',')[1]) for x in open('" +
      d +
      "/val_inferred/predictions.csv')"
      ".read().split('\\n')[1:] if x]\n"
      "assert len(val) == 4 and abs(np.percentile(val, 95) - th) < 1e-12, (val, th)\n"
      "print('ok')\n";
  fs::create_directories(d + "/val");
  for (const auto& e : fs::directory_iterator(d + "/runs/demo-data/images")) {
    if (e.path().filename().string().rfind("normal_val_", 0) == 0)
      fs::copy_file(e.path(), d + "/val/" + e.path().filename().string());
  }
  CommandResult val = runCommand("cd " + d + " && '" + MORPHAEUS_EXE + "' infer --weights " + d +
                                 "/t/best_model.pt --input val --output val_inferred --device cpu");
  ASSERT_EQ(val.exit_code, 0) << val.err;
  writeText(d + "/check.py", check);
  CommandResult py = runCommand("/usr/bin/python3 " + d + "/check.py");
  ASSERT_EQ(py.exit_code, 0) << py.err;

  // Evaluate the same weights with batch size 1 and 6: identical per-image scores
  // (compute_scores: false, upstream's switch, skips the AUROC family in the second).
  const std::string weights = d + "/t/best_model.pt";
  for (const char* b : {"1", "6"}) {
    CommandResult r = runCommand(
        "cd " + d + " && '" + MORPHAEUS_EXE + "' --task test --weights " + weights + " --output b" +
        b + kTiny + " --set downstream_tasks.opacity.params.figures=false" +
        " --set downstream_tasks.opacity.data_loader.params.args.batch_size=" + b +
        (std::string(b) == "6" ? " --set downstream_tasks.opacity.compute_scores=false" : ""));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  EXPECT_FALSE(fs::exists(d + "/b1/eval/opacity/roc.png"));  // figures: false
  EXPECT_NE(readText(d + "/b1/eval/opacity/metrics.json").find("\"auroc\""), std::string::npos);
  EXPECT_EQ(readText(d + "/b6/eval/opacity/metrics.json").find("\"auroc\""), std::string::npos);
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
  CommandResult inf = runCommand("cd " + d + " && '" + MORPHAEUS_EXE + "' infer --weights " +
                                 weights + " --input new --output inferred --device cpu");
  EXPECT_EQ(inf.exit_code, 1) << inf.err;
  EXPECT_NE(inf.err.find("new/c.png"), std::string::npos) << inf.err;
  const std::string csv = readText(d + "/inferred/predictions.csv");
  EXPECT_TRUE(fs::exists(d + "/inferred/maps/a.png"));
  EXPECT_TRUE(fs::exists(d + "/inferred/maps/b.png"));
  const auto inferred = scoresByPath(d + "/inferred/predictions.csv", 0);
  ASSERT_EQ(inferred.size(), 2u) << csv;
  EXPECT_NEAR(inferred.at("new/a.png"), one.at(normal), 1e-6);
  EXPECT_NEAR(inferred.at("new/b.png"), one.at(opacity), 1e-6);
  EXPECT_TRUE(csv.find(",normal\n") != std::string::npos ||
              csv.find(",abnormal\n") != std::string::npos)
      << csv;
}

// The beta-VAE and the SI-VAE sample z at evaluation, as upstream's models do when its evaluator
// calls model(x): each image's draw is seeded from the run's seed and its file name, so the scores
// repeat from run to run, do not depend on the batch size, and `infer` gives the evaluator's;
// eval_sampling: false scores with z = mu instead.
TEST(EvaluationCli, SamplingModelsScoreFromSeededDrawsPerImage) {
  const std::string d = makeTempDir("eval_sampling");
  const std::string config = " --config " + sourcePath("configs/b-vae.yaml");
  const std::string tiny = tinyDemoArgs(16, 4, 8);
  CommandResult train = runCommand("cd " + d + " && '" + MORPHAEUS_EXE + "'" + config +
                                   " --output t --set trainer.params.nr_epochs=1" + tiny);
  ASSERT_EQ(train.exit_code, 0) << train.err;
  auto evaluate = [&](const std::string& out, const std::string& extra) {
    CommandResult r = runCommand("cd " + d + " && '" + MORPHAEUS_EXE + "'" + config +
                                 " --task test --weights t/best_model.pt --output " + out + tiny +
                                 " --set downstream_tasks.opacity.params.figures=false" + extra);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return scoresByPath(d + "/" + out + "/eval/opacity/scores.csv", 1);
  };
  const std::string batch = " --set downstream_tasks.opacity.data_loader.params.args.batch_size=";
  const auto one = evaluate("b1", batch + "1"), three = evaluate("b3", batch + "3");
  const auto again = evaluate("again", batch + "3");
  const auto mean = evaluate("mean", " --set model.params.eval_sampling=false");
  ASSERT_EQ(one.size(), 8u);
  for (const auto& [path, score] : one) {
    EXPECT_EQ(three.at(path), score) << path;  // the same draw, whatever the batch
    EXPECT_EQ(again.at(path), score) << path;
    EXPECT_GT(std::abs(mean.at(path) - score), 1e-7) << path;  // z = mu is another score
  }
  const std::string image = one.begin()->first;
  fs::create_directories(d + "/new");
  fs::copy_file(image, d + "/new/" + fs::path(image).filename().string());
  CommandResult inf = runCommand("cd " + d + " && '" + MORPHAEUS_EXE + "' infer" + config +
                                 " --weights t/best_model.pt --input new --output inferred");
  ASSERT_EQ(inf.exit_code, 0) << inf.err;
  const auto inferred = scoresByPath(d + "/inferred/predictions.csv", 0);
  ASSERT_EQ(inferred.size(), 1u);
  EXPECT_EQ(inferred.begin()->second, one.at(image));
}

TEST(EvaluationCli, TestTaskNeedsWeights) {
  const std::string d = makeTempDir("evalnow");
  CommandResult r =
      runCommand("cd " + d + " && '" + MORPHAEUS_EXE + "' --task test --output o" + kTiny);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("task test needs experiment.weights"), std::string::npos) << r.err;
}

// A task whose split file is missing: with `if_missing` the run says which file and the hint,
// skips that task and evaluates the other (also in --dry-run); without it the run fails.
TEST(EvaluationCli, ATaskWithAMissingSplitIsSkippedWithItsHint) {
  const std::string d = makeTempDir("eval_missing");
  fs::create_directories(d + "/configs");
  const std::string task =
      "  covid:\n"
      "    module_name: projects.23_morphaeus.DownstreamEvaluator\n"
      "    class_name: PDownstreamEvaluator\n"
      "IF_MISSING"
      "    data_loader:\n"
      "      module_name: core.DataLoader\n"
      "      class_name: DefaultDataLoader\n"
      "      params: {args: {target_size: *target_size, batch_size: 5}}\n"
      "      datasets:\n"
      "        Normal_Padchest: {data_dir: {test: ['../nowhere/padchest_normal_test.csv']}}\n"
      "        Covid: {data_dir: {test: ['../runs/demo-data/splits/opacity_test.csv']}}\n";
  std::string with_hint = task, without = task;
  with_hint.replace(with_hint.find("IF_MISSING"), 10,
                    "    if_missing: 'make it with prepare padchest'\n");
  without.replace(without.find("IF_MISSING"), 10, "");
  writeText(d + "/configs/hint.yaml", readText(sourcePath("configs/demo.yaml")) + with_hint);
  writeText(d + "/configs/none.yaml", readText(sourcePath("configs/demo.yaml")) + without);
  const std::string run = "cd " + d + " && '" + MORPHAEUS_EXE + "' --config configs/";
  CommandResult dry = runCommand(run + "hint.yaml --dry-run" + kTiny);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("skipped: " + d +
                         "/nowhere/padchest_normal_test.csv does not exist "
                         "(make it with prepare padchest)"),
            std::string::npos)
      << dry.out;
  CommandResult r =
      runCommand(run + "hint.yaml --output t --set trainer.params.nr_epochs=1" + kTiny);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("task covid skipped: " + d +
                       "/nowhere/padchest_normal_test.csv does not "
                       "exist (make it with prepare padchest)"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(fs::exists(d + "/t/eval/opacity/metrics.json"));
  EXPECT_FALSE(fs::exists(d + "/t/eval/covid"));
  CommandResult fail =
      runCommand(run + "none.yaml --output u --set trainer.params.nr_epochs=1" + kTiny);
  EXPECT_NE(fail.exit_code, 0);
  EXPECT_NE(fail.err.find("padchest_normal_test.csv"), std::string::npos) << fail.err;
}

}  // namespace
}  // namespace morphaeus::test
