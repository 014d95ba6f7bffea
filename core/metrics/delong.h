// DeLong's test for two correlated AUROCs: two score vectors for the same images with the same
// labels (DeLong, DeLong & Clarke-Pearson 1988; the structural components computed with midranks
// as in Sun & Xu 2014, ties counting one half). z = (AUC_a - AUC_b) / sqrt(var_a + var_b -
// 2 cov), two-sided p = erfc(|z| / sqrt 2). Where the variance of the difference is 0 (e.g. the
// same ranking twice): z = 0 and p = 1 when the AUROCs are equal, else z = +-inf and p = 0.
#pragma once

#include <vector>

namespace morphaeus {

struct DelongResult {
  double auroc_a = 0, auroc_b = 0;
  double var_a = 0, var_b = 0, covariance = 0;
  double z = 0, p_value = 1;
};

// Throws std::invalid_argument for unequal lengths or a missing class.
DelongResult delongTest(const std::vector<int>& labels, const std::vector<double>& scores_a,
                        const std::vector<double>& scores_b);

}  // namespace morphaeus
