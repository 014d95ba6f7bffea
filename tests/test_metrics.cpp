// Image-level metrics against scikit-learn and SSIM against scikit-image, computed in the test by
// tests/python/metrics_reference.py (random, tied, perfect and inverted scores); the summary
// statistics against NumPy, the best Dice against a NumPy loop, the anomaly-map smoothing against
// scipy.ndimage.gaussian_filter; LPIPS against tests/python/lpips_reference.py (torchvision
// AlexNet).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <type_traits>

#include "core/checkpoint/checkpoint_error.h"
#include "core/checkpoint/torch_file_reader.h"
#include "core/eval/anomaly_score.h"
#include "core/metrics/dice.h"
#include "core/metrics/lpips_metric.h"
#include "core/metrics/roc.h"
#include "core/metrics/ssim.h"
#include "core/metrics/statistics.h"
#include "tests/test_support.h"

namespace morphaeus {
namespace {

class MetricsReference : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string dir = test::makeTempDir("metrics");
    auto r =
        test::runCommand("/usr/bin/python3 " +
                         test::sourcePath("tests/python/metrics_reference.py") + " make " + dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ref_ = new c10::IValue(readTorchFile(dir + "/metrics.pt"));
  }
  static c10::impl::GenericDict group(const char* g) {
    return ref_->toGenericDict().at(c10::IValue(g)).toGenericDict();
  }
  static c10::IValue* ref_;
};
c10::IValue* MetricsReference::ref_ = nullptr;

template <typename T>
std::vector<T> vec(const torch::Tensor& t) {
  auto c = t.contiguous().to(std::is_same_v<T, int> ? torch::kInt : torch::kDouble);
  return std::vector<T>(c.template data_ptr<T>(), c.template data_ptr<T>() + c.numel());
}

TEST_F(MetricsReference, AurocApFprMatchSklearn) {
  for (const auto& entry : group("cases")) {
    SCOPED_TRACE(entry.key().toStringRef());
    auto c = entry.value().toGenericDict();
    auto t = [&](const char* k) { return c.at(c10::IValue(k)).toTensor(); };
    const auto labels = vec<int>(t("labels"));
    const auto scores = vec<double>(t("scores"));
    EXPECT_NEAR(aurocScore(labels, scores), t("auroc").item<double>(), 1e-12);
    EXPECT_NEAR(averagePrecision(labels, scores), t("ap").item<double>(), 1e-12);
    EXPECT_NEAR(fprAtTpr(labels, scores, 0.95), t("fpr95").item<double>(), 1e-12);
    EXPECT_NEAR(fprAtTpr(labels, scores, 0.99), t("fpr99").item<double>(), 1e-12);
    const RocCurve roc = rocCurve(labels, scores);
    const auto fpr = vec<double>(t("roc_fpr")), tpr = vec<double>(t("roc_tpr")),
               thr = vec<double>(t("roc_thr"));
    ASSERT_EQ(roc.fpr.size(), fpr.size());
    for (std::size_t i = 0; i < fpr.size(); ++i) {
      EXPECT_NEAR(roc.fpr[i], fpr[i], 1e-12);
      EXPECT_NEAR(roc.tpr[i], tpr[i], 1e-12);
      EXPECT_NEAR(roc.thresholds[i], thr[i], 1e-12);
    }
  }
  EXPECT_THROW(aurocScore({1, 1}, {0.1, 0.2}), std::invalid_argument);
}

TEST_F(MetricsReference, SsimMatchesSkimage) {
  for (const auto& entry : group("images")) {
    SCOPED_TRACE(entry.key().toStringRef());
    auto c = entry.value().toGenericDict();
    const double ours =
        ssim(c.at(c10::IValue("a")).toTensor(), c.at(c10::IValue("b")).toTensor(), 1.0);
    EXPECT_NEAR(ours, c.at(c10::IValue("ssim")).toTensor().item<double>(), 1e-6);
    // The batched form (images in parallel) on a batch of three copies: skimage's value each.
    const auto a = c.at(c10::IValue("a")).toTensor(), b = c.at(c10::IValue("b")).toTensor();
    for (const double v : ssimBatch(a.expand({3, 1, -1, -1}), b.expand({3, 1, -1, -1}), 1.0))
      EXPECT_NEAR(v, c.at(c10::IValue("ssim")).toTensor().item<double>(), 1e-6);
  }
  auto x = torch::rand({20, 20});
  EXPECT_NEAR(ssim(x, x), 1.0, 1e-12);
  const auto xs = torch::rand({5, 1, 16, 18}), ys = torch::rand({5, 1, 16, 18});
  const std::vector<double> batch = ssimBatch(xs, ys);
  ASSERT_EQ(batch.size(), 5u);
  for (int64_t i = 0; i < 5; ++i) EXPECT_EQ(batch[i], ssim(xs[i][0], ys[i][0]));
  EXPECT_THROW(ssimBatch(xs, ys.narrow(0, 0, 4)), std::invalid_argument);
}

TEST_F(MetricsReference, StatisticsMatchNumpy) {
  for (const auto& entry : group("stats")) {
    SCOPED_TRACE(entry.key().toStringRef());
    auto c = entry.value().toGenericDict();
    auto t = [&](const char* k) { return c.at(c10::IValue(k)).toTensor(); };
    const auto values = vec<double>(t("values"));
    EXPECT_NEAR(mean(values), t("mean").item<double>(), 1e-12);
    EXPECT_NEAR(stddev(values), t("std").item<double>(), 1e-12);
    const auto q = vec<double>(t("q")), expected = vec<double>(t("percentile"));
    for (std::size_t i = 0; i < q.size(); ++i)
      EXPECT_NEAR(percentile(values, q[i]), expected[i], 1e-12) << q[i];
  }
  EXPECT_THROW(percentile({}, 50), std::invalid_argument);
}

TEST_F(MetricsReference, BestDiceMatchesNumpy) {
  for (const auto& entry : group("dice")) {
    SCOPED_TRACE(entry.key().toStringRef());
    auto c = entry.value().toGenericDict();
    auto t = [&](const char* k) { return c.at(c10::IValue(k)).toTensor(); };
    EXPECT_NEAR(bestDice(vec<double>(t("values")), vec<int>(t("mask"))),
                t("best_dice").item<double>(), 1e-12);
  }
  EXPECT_THROW(bestDice({0.1, 0.2}, {1}), std::invalid_argument);
}

TEST_F(MetricsReference, SmoothedAnomalyMapMatchesScipy) {
  for (const auto& entry : group("smooth")) {
    SCOPED_TRACE(entry.key().toStringRef());
    auto c = entry.value().toGenericDict();
    auto t = [&](const char* k) { return c.at(c10::IValue(k)).toTensor(); };
    const auto ours = gaussianSmooth(t("x"), t("sigma").item<double>());
    EXPECT_LT((ours - t("smoothed")).abs().max().item<double>(), 1e-12);
  }
}

TEST(Lpips, MatchesTheReferenceWithTorchvisionAlexNet) {
  const std::string d = test::makeTempDir("lpips");
  auto r = test::runCommand("/usr/bin/python3 " +
                            test::sourcePath("tests/python/lpips_reference.py") + " make " + d);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto ref = readTorchFile(d + "/lpips.pt").toGenericDict();
  auto t = [&](const char* k) { return ref.at(c10::IValue(k)).toTensor(); };
  for (const bool normalize : {false, true}) {  // upstream's call (normalize=False); the switch
    LpipsMetric lpips(d + "/alexnet.pth", d + "/lpips_alex.pth", torch::kCPU, normalize);
    const auto ours = lpips(t("a"), t("b"));
    const auto want = t(normalize ? "lpips_normalized" : "lpips");
    ASSERT_EQ(ours.numel(), 3);
    for (int i = 0; i < 3; ++i)
      EXPECT_NEAR(ours[i].item<double>(), want[i].item<double>(), 1e-7) << i;
    EXPECT_EQ(ours[2].item<double>(), 0.0);
    EXPECT_GT(ours[0].item<double>(), 1e-3);
  }
  EXPECT_GT((t("lpips") - t("lpips_normalized")).abs().max().item<double>(), 1e-3);
  // Missing files, and the two files swapped, name the file.
  EXPECT_THROW(LpipsMetric(d + "/none.pth", d + "/lpips_alex.pth", torch::kCPU), CheckpointError);
  try {
    LpipsMetric(d + "/alexnet.pth", d + "/alexnet.pth", torch::kCPU);
    ADD_FAILURE() << "no error for an AlexNet file given as the LPIPS layers";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("lin0.model.1.weight"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace morphaeus
