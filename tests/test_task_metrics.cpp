// metrics.json through its one record type (core/report/task_metrics.h) and the run directory's
// names (core/base/run_layout.h): what writeTaskMetrics writes is what Python's json module reads,
// what Python writes readTaskMetrics reads (unknown keys passed over, null as NaN), a record read
// back is written again byte for byte, the tasks of a run are found by name order, and a damaged
// record is one error naming the file and the key.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "core/base/run_layout.h"
#include "core/report/task_metrics.h"
#include "data/data_error.h"
#include "tests/test_support.h"

namespace morphaeus {
namespace {
namespace fs = std::filesystem;
using namespace test;

// A record with every part: a normal dataset, a pathology one scored against it with the
// bootstrap, its interval and pixel numbers, a NaN, the threshold. Numbers chosen by hand.
TaskMetrics sampleRecord() {
  TaskMetrics m;
  DatasetMetrics normal;
  normal.images = 3;
  normal.l1_mean = 0.125;
  normal.flagged_fraction = 1.0 / 3;
  DatasetMetrics sick;
  sick.images = 2;
  sick.ssim_mean = std::numeric_limits<double>::quiet_NaN();
  sick.detection = DetectionMetrics{0.75, 0.5, 0.25, 0.375};
  sick.normal_reference = "Normal_RSNA";
  PaperBootstrap b;
  b.seeds = {101822, 101922};
  b.resamples = {DetectionMetrics{0.7, 0.6, 0.5, 0.4}, DetectionMetrics{0.8, 0.4, 0.3, 0.2}};
  b.auroc = {0.75, 0.05};
  b.auprc = {0.5, 0.1};
  b.fpr95 = {0.4, 0.1};
  b.fpr99 = {0.3, 0.1};
  sick.bootstrap = b;
  BootstrapIntervals i;
  i.resamples = 1000;
  i.skipped = 7;
  i.seed = 2023;
  i.level = 0.9;
  i.auroc = {0.6, 0.9};
  i.auprc = {0.3, 0.7};
  i.fpr95 = {0.1, 0.5};
  i.fpr99 = {0.2, 0.6};
  sick.interval = i;
  sick.best_dice = 0.0625;
  m.datasets = {{"Normal_RSNA", normal}, {"Pneumonia", sick}};
  m.task = "pneumonia";
  m.score = "mean |rec - x|";
  m.precision = "fp32";
  m.smoothing_sigma = 2.5;
  m.threshold = ThresholdRecord{0.42, 95, "normal validation split"};
  return m;
}

TEST(TaskMetrics, WrittenRecordIsWhatPythonReads) {
  const std::string run = makeTempDir("task-metrics");
  const TaskLayout task = RunLayout(run).task("pneumonia");
  fs::create_directories(task.dir);
  writeTaskMetrics(task, sampleRecord());
  EXPECT_EQ(task.metrics(), fs::path(run) / "eval" / "pneumonia" / "metrics.json");
  // Python's json module, key by key: the record's names and nesting, NaN as null.
  const CommandResult py = runCommand(
      referencePython() + " -c \"import json; m = json.load(open('" + task.metrics().string() +
      "')); d = m['datasets']; p = d['Pneumonia']; b = p['bootstrap']; i = p['interval']; "
      "print(sorted(d['Normal_RSNA']), d['Normal_RSNA']['images']); "
      "print(p['auroc'], p['auprc'], p['fpr_at_tpr95'], p['fpr_at_tpr99'], p['ssim_mean'], "
      "p['normal_reference'], p['best_dice'], 'lpips_mean' in p); "
      "print(b['seeds'], b['auroc_mean'], b['auroc_std'], b['fpr_at_tpr99_mean'], "
      "[r['auprc'] for r in b['resamples']]); "
      "print(i['level'], i['resamples'], i['seed'], i['one_class_resamples_skipped'], "
      "i['auroc'], i['fpr_at_tpr95']); "
      "print(m['task'], m['precision'], m['smoothing_sigma'], m['threshold'])\"");
  ASSERT_EQ(py.exit_code, 0) << py.err;
  EXPECT_EQ(py.out,
            "['flagged_fraction', 'images', 'l1_mean'] 3\n"
            "0.75 0.5 0.25 0.375 None Normal_RSNA 0.0625 False\n"
            "[101822, 101922] 0.75 0.05 0.3 [0.6, 0.4]\n"
            "0.9 1000 2023 7 [0.6, 0.9] [0.1, 0.5]\n"
            "pneumonia fp32 2.5 {'percentile': 95.0, 'source': 'normal validation split', "
            "'value': 0.42}\n");
  // No temporary file is left beside it (written through a rename).
  EXPECT_EQ(std::distance(fs::directory_iterator(task.dir), fs::directory_iterator{}), 1);
}

TEST(TaskMetrics, ReadsWhatPythonWrites) {
  const std::string run = makeTempDir("task-metrics-py");
  const TaskLayout task = RunLayout(run).task("t");
  fs::create_directories(task.dir);
  const CommandResult py = runCommand(
      referencePython() +
      " -c \"import json; json.dump({'datasets': {'N': {'images': 4, "
      "'l1_mean': 0.5, 'future_key': [1]}, 'P': {'images': 2, 'auroc': 0.875, 'auprc': 0.5, "
      "'fpr_at_tpr95': 0.25, 'fpr_at_tpr99': None, 'normal_reference': 'N', "
      "'bootstrap_note': 'no bootstrap: one class', 'pixel_auroc': 0.625, "
      "'interval': {'level': 0.95, 'auroc': [0.625, 0.875]}}}, "
      "'score': 'mean |rec - x|'}, open('" +
      task.metrics().string() + "', 'w'))\"");
  ASSERT_EQ(py.exit_code, 0) << py.err;
  const TaskMetrics m = readTaskMetrics(task);
  ASSERT_EQ(m.datasets.size(), 2u);
  const DatasetMetrics& n = m.datasets.at("N");
  EXPECT_EQ(n.images, 4);
  EXPECT_EQ(n.number("l1_mean"), 0.5);
  EXPECT_FALSE(n.scored());
  EXPECT_FALSE(n.number("auroc").has_value());
  EXPECT_FALSE(n.ssim_mean.has_value());
  const DatasetMetrics& p = m.datasets.at("P");
  ASSERT_TRUE(p.scored());
  EXPECT_EQ(p.number("auroc"), 0.875);
  EXPECT_EQ(p.number("fpr_at_tpr95"), 0.25);
  ASSERT_TRUE(p.number("fpr_at_tpr99").has_value());
  EXPECT_TRUE(std::isnan(*p.number("fpr_at_tpr99")));  // null: a NaN kept
  EXPECT_EQ(p.number("pixel_auroc"), 0.625);
  EXPECT_EQ(p.normal_reference, std::optional<std::string>("N"));
  EXPECT_EQ(p.bootstrap_note, std::optional<std::string>("no bootstrap: one class"));
  EXPECT_FALSE(p.bootstrap.has_value());
  // A part lacking keys (a hand-written or older record): what it lacks is not given.
  ASSERT_TRUE(p.interval.has_value());
  EXPECT_EQ(p.interval->level, 0.95);
  EXPECT_EQ(p.interval->auroc.high, 0.875);
  EXPECT_TRUE(std::isnan(p.interval->auprc.low));
  EXPECT_EQ(p.interval->resamples, 0);
  EXPECT_EQ(m.score, "mean |rec - x|");
  EXPECT_EQ(m.task, "");
  EXPECT_FALSE(m.threshold.has_value());
}

TEST(TaskMetrics, WrittenAndReadBackIsTheSameRecord) {
  const std::string run = makeTempDir("task-metrics-round");
  const TaskLayout task = RunLayout(run).task("t");
  fs::create_directories(task.dir);
  writeTaskMetrics(task, sampleRecord());
  const std::string first = readText(task.metrics().string());
  const TaskMetrics back = readTaskMetrics(task);
  const DatasetMetrics& p = back.datasets.at("Pneumonia");
  EXPECT_EQ(p.bootstrap->resamples.size(), 2u);
  EXPECT_EQ(p.bootstrap->resamples[1].fpr95, 0.3);
  EXPECT_EQ(p.interval->fpr99.high, 0.6);
  EXPECT_EQ(p.interval->seed, 2023u);
  EXPECT_TRUE(std::isnan(*p.ssim_mean));
  EXPECT_EQ(back.threshold->percentile, 95);
  EXPECT_EQ(back.smoothing_sigma, 2.5);
  // Written again, the same bytes.
  writeTaskMetrics(task, back);
  EXPECT_EQ(readText(task.metrics().string()), first);
}

TEST(TaskMetrics, EveryNumberKeyIsOneOfTheRecord) {
  const TaskMetrics record = sampleRecord();
  const DatasetMetrics& p = record.datasets.at("Pneumonia");
  const std::vector<std::string> keys = numberKeys();
  EXPECT_EQ(keys.size(), 16u);
  for (const char* k : {"auroc", "auprc", "fpr_at_tpr95", "fpr_at_tpr99", "best_dice"}) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), k), keys.end()) << k;
    EXPECT_TRUE(p.number(k).has_value()) << k;
  }
  EXPECT_FALSE(p.number("no_such_metric").has_value());
  EXPECT_FALSE(p.number("lpips_mean").has_value());
}

TEST(TaskMetrics, EvaluatedTasksAreTheFoldersWithARecordByName) {
  const std::string run = makeTempDir("task-list");
  const RunLayout layout(run);
  EXPECT_TRUE(evaluatedTasks(layout).empty());  // no eval/ folder yet
  for (const char* name : {"zeta", "alpha", "mid"}) {
    fs::create_directories(layout.task(name).dir);
    writeTaskMetrics(layout.task(name), sampleRecord());
  }
  fs::create_directories(layout.task("empty").dir);  // a task that wrote nothing
  std::vector<std::string> names;
  for (const TaskLayout& t : evaluatedTasks(layout)) names.push_back(t.name());
  EXPECT_EQ(names, (std::vector<std::string>{"alpha", "mid", "zeta"}));
}

TEST(TaskMetrics, ADamagedRecordIsOneErrorNamingTheFile) {
  const std::string run = makeTempDir("task-bad");
  const TaskLayout task = RunLayout(run).task("t");
  fs::create_directories(task.dir);
  const auto errorOf = [&](const std::string& text) {
    writeText(task.metrics().string(), text);
    try {
      readTaskMetrics(task);
    } catch (const DataError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string file = task.metrics().string();
  const std::string cut = errorOf("{\"datasets\": {\"A\": {\"auroc\": 0.");
  EXPECT_EQ(cut.rfind(file + ": not the JSON an evaluation writes (", 0), 0u) << cut;
  EXPECT_EQ(cut.find('\n'), std::string::npos) << cut;
  EXPECT_EQ(errorOf("[1, 2]"),
            file + ": not the JSON an evaluation writes (no \"datasets\" object)");
  EXPECT_EQ(errorOf("{\"datasets\": 3}"),
            file + ": not the JSON an evaluation writes (no \"datasets\" object)");
  const std::string bad = file + ": not the JSON an evaluation writes (";
  EXPECT_EQ(errorOf("{\"datasets\": {\"P\": {\"auroc\": \"high\"}}}"),
            bad + "datasets.P.auroc: not a number)");
  EXPECT_EQ(errorOf("{\"datasets\": {\"P\": {\"auroc\": 0.5, \"bootstrap\": {\"resamples\": "
                    "[{\"auroc\": 0.5, \"auprc\": true}]}}}}"),
            bad + "datasets.P.bootstrap.resamples.auprc: not a number)");
  EXPECT_EQ(errorOf("{\"datasets\": {\"P\": {\"images\": -1.5}}}"),
            bad + "datasets.P.images: not a whole number in range)");
  EXPECT_EQ(errorOf("{\"datasets\": {\"P\": []}}"), bad + "datasets.P: not an object)");
  EXPECT_EQ(errorOf("{\"datasets\": {}, \"threshold\": {\"value\": \"1\"}}"),
            bad + "threshold.value: not a number)");
  EXPECT_EQ(errorOf("{\"datasets\": {\"P\": {\"interval\": {\"level\": 0.9, \"resamples\": 9, "
                    "\"seed\": 1, \"one_class_resamples_skipped\": 0, \"auroc\": [0.1]}}}}"),
            bad + "datasets.P.interval.auroc: not a [low, high] pair)");
  EXPECT_EQ(errorOf("{\"datasets\": {\"P\": {\"bootstrap\": {\"seeds\": [-1]}}}}"),
            bad + "datasets.P.bootstrap.seeds: not a whole number in range)");
  EXPECT_EQ(errorOf("{\"datasets\": {}, \"task\": 3}"), bad + "task: not a string)");
  const std::string empty = errorOf("");
  EXPECT_EQ(empty.rfind(file + ": not the JSON an evaluation writes (", 0), 0u) << empty;
  fs::remove(task.metrics());
  EXPECT_THROW(
      {
        try {
          readTaskMetrics(task);
        } catch (const DataError& e) {
          EXPECT_EQ(std::string(e.what()), file + ": cannot be read");
          throw;
        }
      },
      DataError);
}

}  // namespace
}  // namespace morphaeus
