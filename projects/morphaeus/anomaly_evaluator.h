// Anomaly detection evaluation (upstream PDownstreamEvaluator, METHOD.md section 5): for every
// image the reconstruction (model in eval mode), the anomaly score (default: mean |rec - x|), L1
// and SSIM; per pathology dataset against the normal ones (datasets whose name contains "Normal"
// are label 0): AUROC, AUPRC, FPR at TPR >= 0.95 and 0.99 (scikit-learn semantics); pixel-level
// AUROC, AUPRC and best Dice where masks exist; a threshold from the normal validation scores.
// Writes metrics.json, scores.csv and table.md under <output>/eval/<task>/.
#pragma once

#include "core/eval/evaluator.h"

namespace morphaeus {

class AnomalyEvaluator : public Evaluator {
 public:
  using Evaluator::Evaluator;
  std::string run() override;
};

}  // namespace morphaeus
