// Binary-classification curves and scores with scikit-learn's exact semantics (1.2): ties in the
// scores form one threshold, roc_curve drops collinear points (drop_intermediate) and starts at
// (0, 0), AUROC is the trapezoidal area under it, average precision is sum (R_n - R_n-1) P_n over
// the precision-recall curve, and FPR@TPR is the FPR of the first ROC point with TPR >= the target.
#pragma once

#include <vector>

namespace morphaeus {

struct RocCurve {
  std::vector<double> fpr, tpr, thresholds;
};

struct PrCurve {
  std::vector<double> precision, recall, thresholds;
};

// labels: 0/1; scores: higher = more likely positive. Both classes must be present
// (std::invalid_argument otherwise).
RocCurve rocCurve(const std::vector<int>& labels, const std::vector<double>& scores,
                  bool drop_intermediate = true);
PrCurve precisionRecallCurve(const std::vector<int>& labels, const std::vector<double>& scores);
double aurocScore(const std::vector<int>& labels, const std::vector<double>& scores);
double averagePrecision(const std::vector<int>& labels, const std::vector<double>& scores);
double fprAtTpr(const std::vector<int>& labels, const std::vector<double>& scores, double tpr);

struct DetectionMetrics {
  double auroc = 0, auprc = 0, fpr95 = 0, fpr99 = 0;  // fpr95/99: FPR at TPR >= 0.95/0.99
};
// All four from one sort: equal to aurocScore, averagePrecision and fprAtTpr.
DetectionMetrics detectionMetrics(const std::vector<int>& labels,
                                  const std::vector<double>& scores);

}  // namespace morphaeus
