// Losses and one MorphAEus training step against the PyTorch reference
// (tests/python/training_reference.py, upstream's composition with torchvision's VGG19).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/checkpoint/checkpoint.h"
#include "core/checkpoint/checkpoint_error.h"
#include "core/checkpoint/torch_file_reader.h"
#include "core/config/yaml_loader.h"
#include "core/losses/displacement_regularizer.h"
#include "core/losses/ncc_loss.h"
#include "core/losses/perceptual_loss.h"
#include "core/losses/reconstruction_loss.h"
#include "core/registry/data_factory.h"
#include "core/train/adam.h"
#include "data/synthetic/synthetic_cxr.h"
#include "models/morphaeus.h"
#include "projects/morphaeus/morph_trainer.h"
#include "projects/morphaeus/trainer_keys.h"
#include "tests/step_parity.h"
#include "tests/test_support.h"

namespace morphaeus {
namespace {

class TrainingReference : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(test::makePythonReference("training_reference.py"));
    losses_ = new c10::IValue(readTorchFile(*dir_ + "/losses.pt"));
  }
  static torch::Tensor t(const std::string& key) {
    return losses_->toGenericDict().at(c10::IValue(key)).toTensor();
  }
  static torch::Tensor ref(const std::string& loss, const std::string& key) {
    return losses_->toGenericDict()
        .at(c10::IValue(loss))
        .toGenericDict()
        .at(c10::IValue(key))
        .toTensor();
  }
  // Value and gradients of fn against the reference entry `name`.
  static void expectMatches(
      const std::string& name, const std::vector<torch::Tensor>& inputs,
      const std::function<torch::Tensor(const std::vector<torch::Tensor>&)>& fn,
      double tol = 1e-5) {
    SCOPED_TRACE(name);
    std::vector<torch::Tensor> ins;
    for (const auto& i : inputs) ins.push_back(i.clone().requires_grad_(true));
    auto v = fn(ins);
    EXPECT_NEAR(v.item<double>(), ref(name, "value").item<double>(), tol);
    auto grads = torch::autograd::grad({v}, ins);
    for (std::size_t i = 0; i < grads.size(); ++i) {
      EXPECT_LE((grads[i] - ref(name, "grad" + std::to_string(i))).abs().max().item<double>(), tol)
          << "grad" << i;
    }
  }
  static std::string* dir_;
  static c10::IValue* losses_;
};
std::string* TrainingReference::dir_ = nullptr;
c10::IValue* TrainingReference::losses_ = nullptr;

TEST_F(TrainingReference, ReconstructionLosses) {
  expectMatches("l1", {t("a"), t("b")}, [](auto& in) { return l1Loss(in[0], in[1]); });
  expectMatches("l2", {t("a"), t("b")}, [](auto& in) { return l2Loss(in[0], in[1]); });
}

TEST_F(TrainingReference, NccLoss) {
  expectMatches("ncc", {t("a"), t("b")}, [](auto& in) { return nccLoss(in[0], in[1]); });
  expectMatches("ncc", {t("a"), t("b")},
                [](auto& in) { return nccLoss(in[0], in[1], NccWindowSums::BoxSum); });
}

// Where the windows' variances cancel (a nearly flat image against a textured one), float32
// moves the loss by about 1.5e-3 with the order of the window sums. The default sums as upstream
// does (convolutions) and gives PyTorch's float32 value; the box sums give another one, nearer
// to float64 -- so this test tells the two apart.
TEST_F(TrainingReference, NccLossRoundsAsUpstreamWhereVariancesCancel) {
  const auto a = t("smooth_a"), b = t("smooth_b");
  const double upstream = ref("ncc_smooth", "value").item<double>();
  const double exact = ref("ncc_smooth_float64", "value").item<double>();
  ASSERT_GT(std::abs(upstream - exact), 5e-4) << "the inputs no longer cancel";
  expectMatches(
      "ncc_smooth", {a, b}, [](auto& in) { return nccLoss(in[0], in[1]); }, 1e-7);
  const double box = nccLoss(a, b, NccWindowSums::BoxSum).item<double>();
  EXPECT_GT(std::abs(box - upstream), 5e-4);
  EXPECT_LT(std::abs(box - exact), std::abs(upstream - exact));
  EXPECT_NEAR(nccLoss(a.to(torch::kDouble), b.to(torch::kDouble)).item<double>(), exact, 1e-12);
}

TEST_F(TrainingReference, DisplacementRegularizers) {
  for (const char* kind : {"gradient-l2", "gradient-l1", "bending"}) {
    expectMatches(kind, {t("flow")}, [&](auto& in) {
      return displacementRegularizer(in[0], regularizerFromName(kind));
    });
  }
  EXPECT_THROW(regularizerFromName("curvature"), std::invalid_argument);
}

TEST_F(TrainingReference, PerceptualLossWithTorchvisionLayoutWeights) {
  PerceptualLoss pl(*dir_ + "/vgg19_random.pth", torch::kCPU);
  const auto target = t("pl_target");
  expectMatches(
      "perceptual", {t("pl_input")}, [&](auto& in) { return pl(in[0], target); }, 1e-4);
  EXPECT_THROW(PerceptualLoss("/nonexistent/vgg19-dcbb9e9d.pth", torch::kCPU), CheckpointError);
}

TEST_F(TrainingReference, OneMorphAEusStepGivesPyTorchsWeights) {
  auto step = readTorchFile(*dir_ + "/step.pt").toGenericDict();
  MorphAEusOptions o;
  o.autoencoder.channels = {16, 32, 64, 128, 256, 256, 256};
  o.autoencoder.strides = {2, 2, 2, 2, 2, 2, 2};
  o.autoencoder.act = "swish";
  o.autoencoder.deconv_mode = "stride";
  o.nr_ref_channels = 3;
  auto model = std::make_shared<MorphAEusImpl>(o);
  loadStateDict(*model, toStateDict(step.at(c10::IValue("before")), "step.pt", "before"),
                "step.pt");
  // The step in float64 on both sides (the reference too): the same math, free of the float32
  // summation-order noise in which implementations legitimately differ (e.g. the NCC's window
  // sums: five 9x9 convolutions upstream, one separable box sum here).
  model->to(torch::kDouble);
  model->train();

  TrainerSetup setup;
  setup.run_dir = test::makeTempDir("steprun");
  setup.model = model;
  const ConfigNode params = loadYamlString(
      "loss: {module_name: optim.losses.ln_losses, class_name: L2}\n"
      "alfa: 0.05\nbeta: 3\ndelta: 1\nmax_iter: 200\nnr_epochs: 20\ntraining_mode: train\n"
      "optimizer_params: {lr: 5.0e-4}\nvgg_weights: " +
          *dir_ + "/vgg19_random.pth\n",
      "params.yaml");
  setup.options = trainerOptions(params);
  MorphTrainer trainer(std::move(setup), morphTrainerOptions(params));
  trainer.beginEpoch(12);
  const NamedLosses losses =
      trainer.step(step.at(c10::IValue("x")).toTensor().to(torch::kDouble), 12);
  auto value = [&](const char* k) { return step.at(c10::IValue(k)).toTensor().item<double>(); };
  EXPECT_NEAR(losses[0].second.item<double>(), value("loss"), 1e-5);
  EXPECT_NEAR(losses[1].second.item<double>(), value("loss_mse"), 1e-6);
  EXPECT_NEAR(losses[2].second.item<double>(), value("loss_pl"), 1e-5);
  EXPECT_NEAR(losses[3].second.item<double>(), value("loss_reg"), 1e-6);
  EXPECT_NEAR(losses[4].second.item<double>(), value("loss_deformation"), 1e-5);

  test::expectAdamStepMatches(*model,
                              toStateDict(step.at(c10::IValue("after")), "step.pt", "after"),
                              toStateDict(step.at(c10::IValue("grads")), "step.pt", "grads"), 5e-4);
}

TEST(AdamOptimizer, StateRoundTripsThroughPyTorchLayout) {
  torch::manual_seed(0);
  auto w = torch::randn({3, 2}, torch::requires_grad());
  Adam a({w}, AdamOptions{});
  (w * w).sum().backward();
  a.step();
  const c10::IValue state = a.stateDict();
  auto w2 = w.detach().clone().requires_grad_(true);
  Adam b({w2}, AdamOptions{});
  b.loadStateDict(state, "state");
  for (auto* opt : {&a, &b}) {
    opt->zeroGrad();
  }
  (w * w).sum().backward();
  (w2 * w2).sum().backward();
  a.step();
  b.step();
  EXPECT_TRUE(w.equal(w2));
  Adam c({torch::zeros({5}, torch::requires_grad())}, AdamOptions{});
  EXPECT_THROW(c.loadStateDict(state, "state"), CheckpointError);
}

// Trainer::train's early-stopping calls with scripted validation losses: after every validation
// (upstream's core/Trainer.py rule), or only after an improvement (upstream's AAETrainer.py:
// it never stops early), as the trainer's upstream default or the early_stopping switch says.
class ScriptedTrainer : public Trainer {
 public:
  ScriptedTrainer(TrainerSetup setup, std::vector<double> val, bool aae)
      : Trainer(std::move(setup)), val_(std::move(val)), aae_(aae) {}
  int optimised = 0;

 protected:
  NamedLosses optimize(const torch::Tensor&, int64_t) override {
    ++optimised;
    return {{"loss", torch::zeros({})}};
  }
  NamedLosses validationLosses(const torch::Tensor&) override {
    return {{"loss", torch::full({}, val_.at(calls_++), torch::kDouble)}};  // one batch each
  }
  bool upstreamChecksPatienceOnlyOnImprovement() const override { return aae_; }

 private:
  std::vector<double> val_;
  bool aae_;
  std::size_t calls_ = 0;
};

TEST(TrainerRules, EarlyStoppingIsCheckedAfterEveryValidationOrOnlyAfterImprovements) {
  const std::string dir = test::makeTempDir("scripted");
  SyntheticOptions data;
  data.out = dir + "/data";
  data.n_train = data.n_val = data.n_test = data.n_abnormal = 2;
  data.size = 32;
  const SyntheticSplits splits = generateSyntheticCxr(data);
  const ConfigNode loader = loadYamlString(
      "params: {args: {data_dir: {train: [" + splits.train + "], val: [" + splits.val +
          "], test: [" + splits.test + "]}, target_size: [32, 32], batch_size: 2}}\n",
      "loader.yaml");
  // Improves once (epoch 1), then never: patience 2 counts epochs 2 and 3 and stops after epoch
  // 3 -- unless the rule checks patience only after an improvement (then all 8 epochs run).
  const std::vector<double> val = {1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1};
  struct Case {
    bool aae;
    const char* rule;
    int64_t last_epoch;
  };
  for (const Case& c : {Case{false, "", 3}, Case{true, "", 7}, Case{true, "every_validation", 3},
                        Case{false, "on_improvement", 7}}) {
    SCOPED_TRACE(std::string(c.aae ? "AAE" : "plain") + " " + c.rule);
    TrainerSetup setup;
    setup.run_dir = test::makeTempDir("scripted_run");
    setup.model = torch::nn::Linear(1, 1).ptr();
    setup.data = buildTrainingData(loader, DataContext{});
    setup.options = trainerOptions(loadYamlString(
        "loss: {module_name: optim.losses.ln_losses, class_name: L2}\nnr_epochs: 8\n"
        "patience: 2\noptimizer_params: {lr: 1.0e-3}\n" +
            (std::string(c.rule).empty() ? "" : "early_stopping: " + std::string(c.rule) + "\n"),
        "params.yaml"));
    ScriptedTrainer trainer(std::move(setup), val, c.aae);
    const TrainResult r = trainer.train();
    EXPECT_EQ(r.last_epoch, c.last_epoch);
    EXPECT_EQ(r.early_stopped, c.last_epoch < 7);
    EXPECT_DOUBLE_EQ(r.best_val, 0.5);
    EXPECT_EQ(readCheckpoint(r.best_checkpoint).epoch, 1);
  }
}

}  // namespace
}  // namespace morphaeus
