// The autoencoder baselines against independent PyTorch references
// (tests/python/baselines_reference.py), built from the paper configs in
// projects/morphaeus/configs/cxr/ through the registry: upstream state_dict names, outputs in eval
// and train mode from shared weights (the beta-VAE samples z in both, as upstream's), and one
// training step of the configured trainer with training_mode: train (batch statistics; the
// eval-mode default is checked over many epochs in test_upstream_training.cpp).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "core/checkpoint/checkpoint.h"
#include "core/checkpoint/state_dict.h"
#include "core/checkpoint/torch_file_reader.h"
#include "core/config/yaml_loader.h"
#include "core/registry/model_factory.h"
#include "core/registry/registry.h"
#include "core/train/trainer.h"
#include "models/reconstruction.h"
#include "tests/step_parity.h"
#include "tests/test_support.h"

namespace morphaeus {
namespace {

// A model block without params is built from an empty map at its own place: each call names its
// own file and key (an earlier version kept the first call's place for every later call).
TEST(ModelFactory, MissingParamsAreReportedAtEachCallsOwnPlace) {
  const ConfigNode a = loadYamlString(
      "model:\n  module_name: model_zoo.dae_kascenas\n"
      "  class_name: UNet\n",
      "a.yaml");
  EXPECT_NE(buildModel(a.at("model")), nullptr);  // every UNet parameter has a default
  const ConfigNode b = loadYamlString(
      "experiment: {}\nmorph:\n  module_name: model_zoo.morphaeus\n"
      "  class_name: MorphAEus\n",
      "b.yaml");
  try {
    buildModel(b.at("morph"));
    FAIL() << "MorphAEus without params was built";
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("b.yaml:3"), std::string::npos) << message;
    EXPECT_NE(message.find("morph.params"), std::string::npos) << message;
    EXPECT_EQ(message.find("a.yaml"), std::string::npos) << message;
  }
}

class BaselineParity : public ::testing::TestWithParam<const char*> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(test::makePythonReference("baselines_reference.py"));
  }
  static std::string* dir_;
};
std::string* BaselineParity::dir_ = nullptr;

TEST_P(BaselineParity, OutputsAndOneTrainingStepMatchPyTorch) {
  const std::string name = GetParam();
  const ConfigNode config =
      loadYamlFile(test::sourcePath("projects/morphaeus/configs/cxr/" + name + ".yaml"));
  auto model = buildModel(config.at("model"));
  const std::string file = *dir_ + "/" + name + ".pt";
  const auto ref = readTorchFile(file).toGenericDict();
  auto t = [&](const char* k) { return ref.at(c10::IValue(k)).toTensor(); };
  const StateDict weights =
      toStateDict(ref.at(c10::IValue("model_weights")), file, "model_weights");
  test::loadReferenceWeights(*model, weights, file);

  const auto x = t("x");
  model->eval();
  {
    torch::NoGradGuard no_grad;
    // Relative to the output's scale (the VAE's raw outputs are small).
    auto expectClose = [](const torch::Tensor& ours, const torch::Tensor& ref) {
      EXPECT_LE((ours - ref).abs().max().item<double>(),
                1e-5 * std::max(1e-2, ref.abs().max().item<double>()));
    };
    torch::manual_seed(5);  // the beta-VAE samples z at evaluation too, as upstream's
    expectClose(reconstruct(*model, x), t("eval"));
    model->train();
    torch::manual_seed(11);  // the VAE samples z: the same generator state as the reference
    expectClose(reconstruct(*model, x), t("train"));
  }
  loadStateDict(*model, weights, file);  // undo the running-statistics update, as the reference

  std::unique_ptr<Trainer> trainer = test::configuredTrainer(config, model, "train");
  model->train();
  trainer->beginEpoch(0);
  torch::manual_seed(11);
  const NamedLosses losses = trainer->step(x, 0);
  EXPECT_NEAR(losses[0].second.item<double>(), t("loss").item<double>(),
              1e-6 * std::max(1.0, std::abs(t("loss").item<double>())));
  const ConfigNode& optimizer = config.at("trainer").at("params").at("optimizer_params");
  test::expectAdamStepMatches(
      *model, toStateDict(ref.at(c10::IValue("after_step")), file, "after_step"),
      toStateDict(ref.at(c10::IValue("grads")), file, "grads"), optimizer.getDouble("lr", 5e-4),
      optimizer.getDouble("weight_decay", 0.0), &weights);
}

INSTANTIATE_TEST_SUITE_P(PaperConfigs, BaselineParity,
                         ::testing::Values("ae-s", "ae-d", "vae", "b-vae", "dae"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             c = c == '-' ? '_' : static_cast<char>(std::toupper(c));
                           return name;
                         });

TEST(Baselines, DenseBottleneckNeeds128PixelInputs) {
  const ConfigNode config =
      loadYamlFile(test::sourcePath("projects/morphaeus/configs/cxr/ae-d.yaml"));
  auto model = buildModel(config.at("model"));
  model->eval();
  EXPECT_THROW(reconstruct(*model, torch::rand({1, 1, 64, 64})), c10::Error);
}

}  // namespace
}  // namespace morphaeus
