#include "projects/morphaeus/evaluation_figures.h"

#include <fmt/format.h>

#include <filesystem>

#include "core/base/run_layout.h"
#include "core/metrics/roc.h"
#include "core/report/curve_plot.h"
#include "core/report/example_sheet.h"
#include "models/deformation_grid.h"
#include "models/reconstruction.h"

namespace morphaeus {

void writeCurveFigures(const std::string& out_dir, const std::vector<DatasetCurves>& curves) {
  CurvePlot roc{"ROC", "false positive rate", "true positive rate", true, false, {}};
  CurvePlot pr{"Precision-recall", "recall", "precision", false, true, {}};
  for (const DatasetCurves& c : curves) {
    const RocCurve r = rocCurve(c.labels, c.scores);
    roc.series.push_back(
        {fmt::format("{} (AUROC {:.3f})", c.dataset, aurocScore(c.labels, c.scores)), r.fpr,
         r.tpr});
    const PrCurve p = precisionRecallCurve(c.labels, c.scores);
    pr.series.push_back(
        {fmt::format("{} (AP {:.3f})", c.dataset, averagePrecision(c.labels, c.scores)), p.recall,
         p.precision});
  }
  writeCurvePlot(TaskLayout{out_dir}.rocPlot().string(), roc);
  writeCurvePlot(TaskLayout{out_dir}.prPlot().string(), pr);
}

void writeExampleFigure(const std::string& path, torch::nn::Module& model, const torch::Tensor& x,
                        const std::vector<std::string>& names, double vmax) {
  torch::NoGradGuard no_grad;
  const ReconstructionParts parts = reconstructionParts(model, x);
  auto cpu = [](const torch::Tensor& t) {
    return t.detach().to(torch::kCPU, torch::kFloat).select(1, 0);
  };
  const auto input = cpu(x), prior = cpu(parts.prior), rec = cpu(parts.reconstruction);
  std::vector<SheetColumn> columns = {{"input", input},
                                      {"prior", prior},
                                      {"reconstruction", rec},
                                      {"|x - prior|", (input - prior).abs(), true, vmax},
                                      {"|x - rec|", (input - rec).abs(), true, vmax}};
  if (parts.deformation.defined())
    columns.push_back({"deformation", cpu(deformationGrid(parts.deformation))});
  writeExampleSheet(path, columns, names);
}

}  // namespace morphaeus
