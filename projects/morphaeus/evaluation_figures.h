// The figures of an evaluation report: ROC and precision-recall curves of every pathology dataset
// (roc.png, pr.png) and the paper-style example sheet of a dataset (examples_<dataset>.png).
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace morphaeus {

struct DatasetCurves {
  std::string dataset;
  std::vector<int> labels;  // the dataset's images (1) and the normal ones (0)
  std::vector<double> scores;
};

void writeCurveFigures(const std::string& out_dir, const std::vector<DatasetCurves>& curves);

// Runs the model on `x` ([K, 1, H, W], eval mode) and writes input | prior | reconstruction |
// |x - prior| | |x - reconstruction| | deformation grid (the last only for deforming models).
void writeExampleFigure(const std::string& path, torch::nn::Module& model, const torch::Tensor& x,
                        const std::vector<std::string>& names, double vmax);

}  // namespace morphaeus
