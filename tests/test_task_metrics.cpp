// metrics.json through its one owner (core/report/task_metrics.h) and the run directory's names
// (core/base/run_layout.h): what writeTaskMetrics writes is what Python's json module reads, what
// readTaskMetrics returns is what was written, the tasks of a run are found by name order, and a
// damaged record is one error naming the file.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/base/run_layout.h"
#include "core/report/task_metrics.h"
#include "data/data_error.h"
#include "tests/test_support.h"

namespace morphaeus {
namespace {
namespace fs = std::filesystem;
using namespace test;

nlohmann::json sampleRecord() {
  nlohmann::json m;
  m["datasets"]["Normal_RSNA"] = {{"images", 3}, {"l1_mean", 0.125}};
  m["datasets"]["Pneumonia"] = {{"images", 2}, {"auroc", 0.75}, {"auprc", 0.5}};
  m["precision"] = "fp32";
  return m;
}

TEST(TaskMetrics, WrittenRecordIsWhatPythonAndTheReaderSee) {
  const std::string run = makeTempDir("task-metrics");
  const TaskLayout task = RunLayout(run).task("pneumonia");
  fs::create_directories(task.dir);
  writeTaskMetrics(task, sampleRecord());
  EXPECT_EQ(task.metrics(), fs::path(run) / "eval" / "pneumonia" / "metrics.json");
  const CommandResult py = runCommand(
      referencePython() + " -c \"import json; m = json.load(open('" + task.metrics().string() +
      "')); print(m['datasets']['Pneumonia']['auroc'], m['datasets']['Normal_RSNA']['images'], "
      "m['precision'])\"");
  ASSERT_EQ(py.exit_code, 0) << py.err;
  EXPECT_EQ(py.out, "0.75 3 fp32\n");
  EXPECT_EQ(readTaskMetrics(task), sampleRecord());
  // No temporary file is left beside it (written through a rename).
  EXPECT_EQ(std::distance(fs::directory_iterator(task.dir), fs::directory_iterator{}), 1);
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
  EXPECT_EQ(errorOf("[1, 2]"), file + ": not the JSON an evaluation writes (no \"datasets\" object)");
  EXPECT_EQ(errorOf("{\"datasets\": 3}"),
            file + ": not the JSON an evaluation writes (no \"datasets\" object)");
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
