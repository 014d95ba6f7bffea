// The one list of metric columns (core/report/metric_columns.h): its order, the sweep's subset
// and direction, and the cells of a task record (4 decimals, the bootstrap as mean +/- std, the
// interval, "-" for what the record lacks). The expected texts are written out by hand from the
// numbers, not taken from the program.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "core/report/metric_columns.h"

namespace morphaeus {
namespace {

TEST(MetricColumns, OneListInTableOrderWithTheSweepsSubset) {
  std::vector<std::string> keys, sweep;
  for (const MetricColumn& c : metricColumns()) {
    keys.push_back(c.key);
    if (!c.sweep_heading.empty()) sweep.push_back(c.sweep_heading);
  }
  EXPECT_EQ(keys,
            (std::vector<std::string>{"auroc", "bootstrap", "interval", "auprc", "fpr_at_tpr95",
                                      "fpr_at_tpr99", "ssim_mean", "l1_mean", "lpips_mean",
                                      "pixel_auroc", "pixel_auprc", "best_dice"}));
  EXPECT_EQ(sweep, (std::vector<std::string>{"AUROC", "AUPRC", "FPR95", "SSIM", "L1"}));
  for (const MetricColumn& c : metricColumns()) {
    const bool lower = c.key.rfind("fpr", 0) == 0 || c.key == "l1_mean" || c.key == "lpips_mean";
    EXPECT_EQ(c.higher_is_better, !lower) << c.key;
    EXPECT_EQ(c.only_when_given, c.key == "lpips_mean") << c.key;
  }
}

TEST(MetricColumns, EveryNumberColumnIsANumberOfTheRecord) {
  const std::vector<std::string> keys = numberKeys();
  for (const MetricColumn& c : metricColumns()) {
    if (c.text != MetricColumn::Text::Number) continue;
    EXPECT_NE(std::find(keys.begin(), keys.end(), c.key), keys.end()) << c.key;
  }
}

TEST(MetricColumns, CellsOfARecord) {
  DatasetMetrics record;
  record.detection = DetectionMetrics{0.912345, 0.5, 0.25, 0.125};
  record.ssim_mean = 0.5;
  record.l1_std = 0.25;  // a number no column shows
  record.pixel_auroc = std::numeric_limits<double>::quiet_NaN();
  PaperBootstrap b;
  b.auroc = {0.9, 0.01234};
  record.bootstrap = b;
  const auto cell = [&](const std::string& key, const char* pm = " +/- ") {
    for (const MetricColumn& c : metricColumns())
      if (c.key == key) return metricCell(record, c, pm);
    return std::string("no column ") + key;
  };
  EXPECT_EQ(cell("auroc"), "0.9123");
  EXPECT_EQ(cell("ssim_mean"), "0.5000");
  EXPECT_EQ(cell("fpr_at_tpr99"), "0.1250");
  EXPECT_EQ(cell("l1_mean"), "-");
  EXPECT_EQ(cell("pixel_auroc"), "-");  // NaN: not a number to show
  EXPECT_EQ(cell("interval"), "-");
  EXPECT_EQ(cell("bootstrap"), "0.9000 +/- 0.0123");
  EXPECT_EQ(cell("bootstrap", " ± "), "0.9000 ± 0.0123");
  BootstrapIntervals i;
  i.level = 0.95;
  i.auroc = {0.81234, 0.95};
  record.interval = i;
  EXPECT_EQ(cell("interval"), "95%: 0.8123-0.9500");
}

}  // namespace
}  // namespace morphaeus
