// The evaluator's files besides metrics.json and table.md: scores.csv (one row per image, in
// the datasets' order) and the anomaly maps (maps/<dataset>/<nnnnn>_<stem>.npy, + colour .png
// where the build has OpenCV). Written atomically.
#pragma once

#include <string>
#include <vector>

#include "projects/morphaeus/anomaly_metrics.h"

namespace morphaeus {

void writeScoresCsv(const std::string& path, const std::vector<ScoredDataset>& datasets,
                    bool lpips);

// The dataset's maps ([N, rows * cols]) under out_dir/maps/<dataset>/.
void writeAnomalyMaps(const std::string& out_dir, const ScoredDataset& dataset, int64_t rows,
                      int64_t cols, double vmax);

}  // namespace morphaeus
