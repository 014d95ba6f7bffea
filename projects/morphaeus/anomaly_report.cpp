#include "projects/morphaeus/anomaly_report.h"

#include <fmt/format.h>

#include <filesystem>
#include <sstream>

#include "core/base/atomic_file.h"
#include "core/base/run_layout.h"
#include "core/report/csv_quote.h"
#include "core/report/curve_plot.h"
#include "data/io/image_writer.h"
#include "data/io/npy_writer.h"

namespace morphaeus {

void writeScoresCsv(const std::string& path, const std::vector<ScoredDataset>& datasets,
                    bool lpips) {
  std::ostringstream csv;
  csv << "dataset,path,label,score,l1,ssim" << (lpips ? ",lpips\n" : "\n");
  for (const auto& d : datasets) {
    const ScoredImages& s = d.images;
    for (std::size_t i = 0; i < s.size(); ++i) {
      csv << d.name << "," << csvQuote(d.paths[i]) << "," << d.label << ","
          << fmt::format("{:.17g},{:.17g},{:.17g}", s.score[i], s.l1[i], s.ssim[i])
          << (lpips ? fmt::format(",{:.17g}", s.lpips[i]) : "") << "\n";
    }
  }
  writeFileAtomic(path, csv.str());
}

void writeAnomalyMaps(const std::string& out_dir, const ScoredDataset& dataset, int64_t rows,
                      int64_t cols, double vmax) {
  namespace fs = std::filesystem;
  const fs::path dir = TaskLayout{out_dir}.maps(dataset.name);
  fs::create_directories(dir);
  for (std::size_t i = 0; i < dataset.images.size(); ++i) {
    const auto map =
        dataset.images.maps[static_cast<int64_t>(i)].to(torch::kFloat).view({rows, cols});
    const std::string stem =
        fmt::format("{:05d}_{}", i, fs::path(dataset.paths[i]).stem().string());
    writeNpy((dir / (stem + ".npy")).string(), map);
    if (canWriteFigures()) writeHeatmapPng((dir / (stem + ".png")).string(), map, vmax);
  }
}

}  // namespace morphaeus
