// The training fast path (trainer.params.performance, docs/PERFORMANCE.md): the capturable Adam
// equals Adam, channels_last equals the contiguous step, the bf16-autocast loss curve follows the
// float32 one within the stated tolerance with float32 master weights -- in both model modes
// (eval, upstream's default, and train) --, and bad options are
// refused. On a CUDA machine (scripts/gpu_check.sh) the same curve check runs with the whole step
// captured as a CUDA graph.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/base/mixed_precision.h"
#include "core/base/precision.h"
#include "core/base/torch_compat.h"
#include "core/config/config_error.h"
#include "core/config/yaml_loader.h"
#include "core/train/adam.h"
#include "models/morphaeus.h"
#include "projects/morphaeus/morph_trainer.h"
#include "projects/morphaeus/trainer_keys.h"
#include "tests/step_parity.h"
#include "tests/test_support.h"

namespace morphaeus {
namespace {

// The documented tolerance of the bf16 loss curve (docs/PERFORMANCE.md): every step's total loss
// within 3% of the float32 run's, from the same weights and batches.
constexpr double kBf16CurveTolerance = 0.03;

class FastPath : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(test::makePythonReference("training_reference.py"));
  }
  // A small MorphAEus with seed-0 weights.
  static std::shared_ptr<MorphAEusImpl> makeModel(const torch::Device& device,
                                                  torch::ScalarType dtype = torch::kFloat) {
    torch::manual_seed(0);
    MorphAEusOptions o;
    o.autoencoder.channels = {8, 16, 32, 64, 128, 128};
    o.autoencoder.strides = {2, 2, 2, 2, 2, 2};
    o.autoencoder.act = "swish";
    o.autoencoder.deconv_mode = "stride";
    o.inshape = {64, 64};
    o.nr_ref_channels = 3;
    auto model = std::make_shared<MorphAEusImpl>(o);
    model->to(device, dtype);
    model->train();
    return model;
  }
  static std::unique_ptr<MorphTrainer> makeTrainer(std::shared_ptr<MorphAEusImpl> model,
                                                   const std::string& performance,
                                                   const torch::Device& device,
                                                   const std::string& mode = "eval") {
    TrainerSetup setup;
    setup.run_dir = test::makeTempDir("fastrun");
    setup.device = device;
    setup.model = model;
    const ConfigNode params = loadYamlString(
        "loss: {module_name: optim.losses.ln_losses, class_name: L2}\n"
        "alfa: 0.05\nbeta: 3\ndelta: 1\nmax_iter: 200\nnr_epochs: 20\n"
        "optimizer_params: {lr: 5.0e-4}\nvgg_weights: " +
            *dir_ + "/vgg19_random.pth\nperformance: " + performance + "\ntraining_mode: " + mode +
            "\n",
        "params.yaml");
    setup.options = trainerOptions(params);
    return std::make_unique<MorphTrainer>(std::move(setup), morphTrainerOptions(params));
  }
  // Smooth images in [0, 1] (what a chest X-ray batch looks like to the convolutions).
  static std::vector<torch::Tensor> batches(int n, const torch::Device& device,
                                            torch::ScalarType dtype) {
    torch::manual_seed(1);
    std::vector<torch::Tensor> out;
    namespace F = torch::nn::functional;
    for (int i = 0; i < n; ++i) {
      auto x = F::avg_pool2d(torch::rand({4, 1, 72, 72}), F::AvgPool2dFuncOptions(9).stride(1));
      out.push_back(((x - x.min()) / (x.max() - x.min())).to(device, dtype));
    }
    return out;
  }
  // Total loss of each step from the morphology stage on (epoch 12), read back every step.
  // In the model mode `mode` (eval: upstream's default; train: batch statistics).
  static std::vector<double> curve(const std::string& performance, const torch::Device& device,
                                   int steps, std::shared_ptr<MorphAEusImpl>* out = nullptr,
                                   torch::ScalarType dtype = torch::kFloat,
                                   const std::string& mode = "eval") {
    auto model = makeModel(device, dtype);
    auto trainer = makeTrainer(model, performance, device, mode);
    trainer->beginEpoch(12);
    std::vector<double> losses;
    for (const auto& x : batches(steps, device, dtype))
      losses.push_back(trainer->step(x, 12).front().second.item<double>());
    if (out) *out = model;
    return losses;
  }
  static void expectCurvesAgree(const std::vector<double>& fast, const std::vector<double>& ref) {
    ASSERT_EQ(fast.size(), ref.size());
    double worst = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
      ASSERT_TRUE(std::isfinite(fast[i])) << "step " << i;
      worst = std::max(worst, std::abs(fast[i] - ref[i]) / std::abs(ref[i]));
      EXPECT_LE(std::abs(fast[i] - ref[i]), kBf16CurveTolerance * std::abs(ref[i]))
          << "step " << i << ": " << fast[i] << " vs float32 " << ref[i];
    }
    std::printf("worst relative difference of the loss curve: %.4f\n", worst);
  }
  static std::string* dir_;
};
std::string* FastPath::dir_ = nullptr;

TEST(CapturableAdam, MatchesAdamAndItsStateDict) {
  for (const bool amsgrad : {false, true}) {
    SCOPED_TRACE(amsgrad ? "amsgrad" : "adam");
    torch::manual_seed(0);
    const auto w0 = torch::randn({6, 5});
    auto a = w0.clone().requires_grad_(true), b = w0.clone().requires_grad_(true);
    AdamOptions o;
    o.lr = 1e-2;
    o.weight_decay = 1e-3;
    o.amsgrad = amsgrad;
    Adam plain({a}, o), capturable({b}, o);
    capturable.makeCapturable();
    for (int i = 0; i < 6; ++i) {
      if (i == 3) {  // a learning-rate change between steps reaches the device copy
        plain.setLr(3e-3);
        capturable.setLr(3e-3);
      }
      const auto g = torch::randn({6, 5});
      for (auto* w : {&a, &b}) w->mutable_grad() = g.clone();
      plain.step();
      capturable.step();
    }
    EXPECT_LE((a - b).abs().max().item<double>(), 1e-6);
    EXPECT_LE((a - w0).abs().max().item<double>(), 1e-1);  // they moved
    const auto state = capturable.stateDict().toGenericDict().at(c10::IValue("state"));
    EXPECT_EQ(state.toGenericDict()
                  .at(c10::IValue(0))
                  .toGenericDict()
                  .at(c10::IValue("step"))
                  .toTensor()
                  .item<double>(),
              6.0);
    // Resumed into a capturable optimiser from the plain one's state: the next steps agree too.
    auto c = a.detach().clone().requires_grad_(true);
    Adam resumed({c}, o);
    resumed.makeCapturable();
    resumed.loadStateDict(plain.stateDict(), "state");
    const auto g = torch::randn({6, 5});
    a.mutable_grad() = g.clone();
    c.mutable_grad() = g.clone();
    plain.step();
    resumed.step();
    EXPECT_LE((a - c).abs().max().item<double>(), 1e-6);
  }
}

// Same math in another memory layout: compared in float64, where three Adam steps do not amplify
// float32 summation-order noise (Adam moves weights with near-zero gradients by up to lr).
TEST_F(FastPath, ChannelsLastStepsEqualContiguousSteps) {
  for (const char* mode : {"eval", "train"}) {
    SCOPED_TRACE(mode);
    std::shared_ptr<MorphAEusImpl> contiguous, nhwc;
    const auto ref = curve("{}", torch::kCPU, 3, &contiguous, torch::kDouble, mode);
    const auto fast = curve("{channels_last: true}", torch::kCPU, 3, &nhwc, torch::kDouble, mode);
    for (std::size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(fast[i], ref[i], 1e-9 * ref[i]);
    const auto a = contiguous->named_parameters(), b = nhwc->named_parameters();
    bool some_nhwc = false;
    for (const auto& item : a) {
      const auto& w = b[item.key()];
      some_nhwc |=
          w.dim() == 4 && w.is_contiguous(at::MemoryFormat::ChannelsLast) && !w.is_contiguous();
      EXPECT_LE((w - item.value()).abs().max().item<double>(), 1e-9) << item.key();
    }
    EXPECT_TRUE(some_nhwc);
  }
}

TEST_F(FastPath, Bf16AutocastLossCurveFollowsFloat32WithFloat32MasterWeights) {
  if (!cpuBf16Support().blocked().empty()) GTEST_SKIP() << cpuBf16Support().blocked();
  for (const char* mode : {"eval", "train"}) {
    SCOPED_TRACE(mode);
    std::shared_ptr<MorphAEusImpl> model;
    const auto ref = curve("{}", torch::kCPU, 4, nullptr, torch::kFloat, mode);
    const auto fast = curve("{precision: bf16}", torch::kCPU, 4, &model, torch::kFloat, mode);
    expectCurvesAgree(fast, ref);
    EXPECT_NE(fast, ref);  // autocast really ran in bf16
    for (const auto& p : model->parameters()) EXPECT_EQ(p.scalar_type(), torch::kFloat);
    EXPECT_FALSE(compat::autocastEnabled(c10::DeviceType::CPU));  // left as found
  }
}

TEST_F(FastPath, CudaGraphBf16ChannelsLastCurveFollowsFloat32) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  for (const char* mode : {"eval", "train"}) {
    SCOPED_TRACE(mode);
    const auto ref = curve("{}", torch::kCUDA, 8, nullptr, torch::kFloat, mode);
    const auto fast = curve("{precision: bf16, channels_last: true, cuda_graph: true}",
                            torch::kCUDA, 8, nullptr, torch::kFloat, mode);
    expectCurvesAgree(fast, ref);
  }
  const auto ref = curve("{}", torch::kCUDA, 8);
  // float32 graphs replay the eager float32 step (same kernels, same order).
  const auto graphed = curve("{cuda_graph: true}", torch::kCUDA, 8);
  for (std::size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(graphed[i], ref[i], 1e-4 * ref[i]);
}

TEST_F(FastPath, BadOptionsAreConfigErrors) {
  auto model = makeModel(torch::kCPU);
  EXPECT_THROW(makeTrainer(model, "{precision: fp8}", torch::kCPU), ConfigError);
  EXPECT_THROW(makeTrainer(model, "{loss_readback_every: 0}", torch::kCPU), ConfigError);
}

TEST(MixedPrecision, FullPrecisionUpcastsOnlyReducedFloats) {
  EXPECT_EQ(fullPrecision(torch::ones({2}, torch::kBFloat16)).scalar_type(), torch::kFloat);
  EXPECT_EQ(fullPrecision(torch::ones({2}, torch::kHalf)).scalar_type(), torch::kFloat);
  EXPECT_EQ(fullPrecision(torch::ones({2}, torch::kDouble)).scalar_type(), torch::kDouble);
  {
    const AutocastGuard on(c10::DeviceType::CPU, c10::ScalarType::BFloat16);
    EXPECT_TRUE(compat::autocastEnabled(c10::DeviceType::CPU));
    const auto y =
        torch::nn::functional::conv2d(torch::ones({1, 1, 4, 4}), torch::ones({1, 1, 3, 3}));
    EXPECT_EQ(y.scalar_type(), torch::kBFloat16);
  }
  EXPECT_FALSE(compat::autocastEnabled(c10::DeviceType::CPU));
}

}  // namespace
}  // namespace morphaeus
