// Anomaly detection evaluation (upstream PDownstreamEvaluator, docs/METHOD.md section 5): for every
// image the reconstruction (model in eval mode), the anomaly score (default: mean |rec - x|), L1
// and SSIM; per pathology dataset against the normal ones (datasets whose name contains "Normal"
// are label 0): AUROC, AUPRC, FPR at TPR >= 0.95 and 0.99 (scikit-learn semantics), the paper's
// 5-seed bootstrap of them and percentile bootstrap intervals; pixel-level
// AUROC, AUPRC and best Dice where masks exist; a threshold from the normal validation scores.
// Writes metrics.json, scores.csv and table.md under <output>/eval/<task>/ and returns them.
// The parts: anomaly_scoring (the pass over a loader, gathered over ranks), anomaly_metrics
// (the numbers, no I/O), anomaly_report and evaluation_figures (the files).
#pragma once

#include <string>

#include "core/eval/evaluator.h"
#include "core/eval/task_scoring.h"
#include "projects/morphaeus/anomaly_metrics.h"

namespace morphaeus {

// The task's keys (its params, and compute_scores beside them).
struct AnomalyEvaluatorOptions {
  TaskScoring scoring;
  double threshold_percentile = 95;
  bool save_maps = false, figures = true;
  int example_images = 4;
  std::string lpips_alexnet, lpips_lins;  // both set: LPIPS per image
  bool lpips_normalize = false;           // as upstream (lpips' normalize=False)
  bool compute_scores = true;             // AUROC, AUPRC, FPR (upstream's compute_scores)
  IntervalOptions intervals;              // percentile bootstrap intervals
};

// The keys of the task's params: their schema, reader and defaults check.
const KeyTable<AnomalyEvaluatorOptions>& anomalyEvaluatorKeys();
// From a validated task block (its params and compute_scores); ConfigError when only one of the
// two LPIPS files is given.
AnomalyEvaluatorOptions anomalyEvaluatorOptions(const ConfigNode& task);

class AnomalyEvaluator : public Evaluator {
 public:
  AnomalyEvaluator(EvaluationSetup setup, AnomalyEvaluatorOptions options)
      : Evaluator(std::move(setup)), o_(std::move(options)) {}
  EvaluationResult run() override;

 private:
  void writeExamples(const ScoredDataset& dataset, ImageDataset& images);
  AnomalyEvaluatorOptions o_;
};

}  // namespace morphaeus
