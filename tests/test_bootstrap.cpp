// The paper's bootstrap (core/metrics/bootstrap, numpy_random) against NumPy and scikit-learn
// run in the test (tests/python/bootstrap_reference.py): NumPy's legacy generator draw for draw,
// the resample indices boost_test.py draws, the per-seed metrics, mean and np.std to 1e-12, the
// percentile intervals; DeLong's test against the O(m n) definition, with ties.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/checkpoint/torch_file_reader.h"
#include "core/metrics/bootstrap.h"
#include "core/metrics/delong.h"
#include "core/metrics/numpy_random.h"
#include "tests/test_support.h"

namespace morphaeus {
namespace {

class BootstrapReference : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string dir = test::makeTempDir("bootstrap");
    auto r =
        test::runCommand("/usr/bin/python3 " +
                         test::sourcePath("tests/python/bootstrap_reference.py") + " make " + dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ref_ = new c10::IValue(readTorchFile(dir + "/bootstrap.pt"));
  }
  static c10::impl::GenericDict group(const char* g) {
    return ref_->toGenericDict().at(c10::IValue(g)).toGenericDict();
  }
  static c10::IValue* ref_;
};
c10::IValue* BootstrapReference::ref_ = nullptr;

std::vector<double> doubles(const torch::Tensor& t) {
  auto c = t.contiguous().to(torch::kDouble);
  return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}
std::vector<int64_t> longs(const torch::Tensor& t) {
  auto c = t.contiguous().to(torch::kLong);
  return {c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel()};
}
// One case of the reference: its tensors by name, its labels as ints.
struct Case {
  c10::impl::GenericDict dict;
  torch::Tensor tensor(const char* key) const { return dict.at(c10::IValue(key)).toTensor(); }
  std::vector<int> labels() const {
    const auto v = longs(tensor("labels"));
    return {v.begin(), v.end()};
  }
};

std::vector<double> asRow(const DetectionMetrics& m) {
  return {m.auroc, m.auprc, m.fpr95, m.fpr99};
}

TEST_F(BootstrapReference, LegacyGeneratorDrawsWhatNumpyDraws) {
  for (const auto& kv : group("generator")) {
    const std::string name = kv.key().toStringRef();
    const auto want = longs(kv.value().toTensor());
    if (name == "choice") {
      NumpyLegacyRandom rng(101822);
      EXPECT_EQ(rng.choice(5000, 5000), want);
      continue;
    }
    const int64_t n = std::stoll(name);
    NumpyLegacyRandom rng(12345);
    std::vector<int64_t> got;
    for (int i = 0; i < 25; ++i) got.push_back(rng.randint(n));
    EXPECT_EQ(got, want) << "randint(0, " << n << ")";
  }
  EXPECT_THROW(NumpyLegacyRandom(1).randint(0), std::invalid_argument);
}

TEST_F(BootstrapReference, PaperBootstrapAndIntervalsMatchNumpyAndSklearn) {
  for (const auto& kv : group("cases")) {
    const std::string name = kv.key().toStringRef();
    const Case c{kv.value().toGenericDict()};
    const auto t = [&](const char* k) { return c.tensor(k); };
    const std::vector<int> labels = c.labels();
    const auto scores = doubles(t("scores"));
    const auto n = static_cast<int64_t>(labels.size());

    const auto indices = t("indices");
    for (std::size_t k = 0; k < paperBootstrapSeeds().size(); ++k) {
      NumpyLegacyRandom rng(paperBootstrapSeeds()[k]);
      EXPECT_EQ(rng.choice(n, n), longs(indices[static_cast<int64_t>(k)])) << name << " seed " << k;
    }
    const PaperBootstrap b = paperBootstrap(labels, scores);
    ASSERT_EQ(b.resamples.size(), 5u);
    const auto per_seed = t("per_seed");
    for (std::size_t k = 0; k < 5; ++k) {
      const auto want = doubles(per_seed[static_cast<int64_t>(k)]);
      const auto got = asRow(b.resamples[k]);
      for (int j = 0; j < 4; ++j) EXPECT_NEAR(got[j], want[j], 1e-12) << name << " seed " << k;
    }
    const auto mean = doubles(t("mean")), sd = doubles(t("std"));
    const MetricSummary* sums[] = {&b.auroc, &b.auprc, &b.fpr95, &b.fpr99};
    for (int j = 0; j < 4; ++j) {
      EXPECT_NEAR(sums[j]->mean, mean[j], 1e-12) << name << " metric " << j;
      EXPECT_NEAR(sums[j]->std, sd[j], 1e-12) << name << " metric " << j;
    }

    const int resamples = static_cast<int>(t("resamples").item<int64_t>());
    const BootstrapIntervals ci = bootstrapIntervals(labels, scores, resamples, 7);
    EXPECT_EQ(ci.skipped, t("skipped").item<int64_t>()) << name;
    const auto low = doubles(t("low")), high = doubles(t("high"));
    const Interval* ivs[] = {&ci.auroc, &ci.auprc, &ci.fpr95, &ci.fpr99};
    for (int j = 0; j < 4; ++j) {
      EXPECT_NEAR(ivs[j]->low, low[j], 1e-12) << name << " metric " << j;
      EXPECT_NEAR(ivs[j]->high, high[j], 1e-12) << name << " metric " << j;
      EXPECT_LE(ivs[j]->low, ivs[j]->high);
    }
  }
}

TEST_F(BootstrapReference, DelongMatchesTheDefinitionWithTies) {
  for (const auto& kv : group("cases")) {
    const std::string name = kv.key().toStringRef();
    const Case c{kv.value().toGenericDict()};
    const auto t = [&](const char* k) { return c.tensor(k); };
    const std::vector<int> labels = c.labels();
    const DelongResult r = delongTest(labels, doubles(t("scores")), doubles(t("other")));
    const auto want = doubles(t("delong"));
    const double got[] = {r.auroc_a, r.auroc_b, r.var_a, r.var_b, r.covariance, r.z};
    for (int j = 0; j < 6; ++j) {
      EXPECT_NEAR(got[j], want[j], 1e-12 * std::max(1.0, std::fabs(want[j]))) << name << " " << j;
    }
    EXPECT_NEAR(r.p_value, want[6], 1e-9 * want[6] + 1e-15) << name;
  }
}

TEST(Delong, SameRankingTwiceAndBadInput) {
  const std::vector<int> y = {0, 0, 1, 1, 0, 1};
  const std::vector<double> s = {0.1, 0.4, 0.35, 0.8, 0.2, 0.9};
  std::vector<double> doubled;
  for (double v : s) doubled.push_back(2 * v + 1);  // the same ranking
  const DelongResult r = delongTest(y, s, doubled);
  EXPECT_EQ(r.z, 0.0);
  EXPECT_EQ(r.p_value, 1.0);
  EXPECT_THROW(delongTest(y, s, {0.1}), std::invalid_argument);
  EXPECT_THROW(delongTest({0, 0, 0, 1}, {1, 2, 3, 4}, {1, 2, 3, 4}), std::invalid_argument);
  EXPECT_THROW(bootstrapIntervals({0, 0}, {0.1, 0.2}, 10, 1), std::invalid_argument);
  EXPECT_THROW(paperBootstrap({}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace morphaeus
