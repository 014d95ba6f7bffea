// The AAE and the Soft-Intro VAE -- the baselines with their own multi-optimiser trainers --
// against independent PyTorch references (tests/python/adversarial_reference.py), built from the
// paper configs through the registry: upstream state_dict names (SI-VAE: upstream's extra
// conv_expand layers), eval/train outputs from shared weights (the SI-VAE samples z in both, as
// upstream's forward does), and two full training steps of the configured trainer in train mode
// (every named loss of both steps; the second step's losses depend on every optimiser's first
// update), then the eval-mode reconstruction after them.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
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

class AdversarialParity : public ::testing::TestWithParam<const char*> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(test::makePythonReference("adversarial_reference.py"));
  }
  static std::string* dir_;
};
std::string* AdversarialParity::dir_ = nullptr;

void expectClose(const torch::Tensor& ours, const torch::Tensor& ref, double rel,
                 const char* what) {
  EXPECT_LE((ours - ref).abs().max().item<double>(),
            rel * std::max(1e-2, ref.abs().max().item<double>()))
      << what;
}

TEST_P(AdversarialParity, OutputsAndTwoTrainingStepsMatchPyTorch) {
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
  {
    torch::NoGradGuard no_grad;
    model->eval();
    torch::manual_seed(5);  // the SI-VAE samples z at evaluation too
    expectClose(reconstruct(*model, x), t("eval"), 1e-5, "eval output");
    model->train();
    torch::manual_seed(11);  // the SI-VAE samples z: the reference's generator state
    expectClose(reconstruct(*model, x), t("train"), 1e-5, "train output");
  }
  loadStateDict(*model, weights, file);  // undo the running-statistics update

  std::unique_ptr<Trainer> trainer = test::configuredTrainer(config, model, "train");
  model->train();
  trainer->beginEpoch(0);
  torch::manual_seed(11);
  const auto steps = ref.at(c10::IValue("losses")).toList();
  ASSERT_EQ(steps.size(), 2u);
  for (std::size_t s = 0; s < steps.size(); ++s) {
    const NamedLosses losses = trainer->step(x, 0, static_cast<int64_t>(s) + 1);
    const auto expected = steps.get(s).toGenericDict();
    ASSERT_EQ(losses.size(), expected.size()) << "step " << s;
    for (const auto& [loss_name, value] : losses) {
      ASSERT_TRUE(expected.contains(c10::IValue(loss_name))) << loss_name;
      const double want = expected.at(c10::IValue(loss_name)).toDouble();
      EXPECT_NEAR(value.item<double>(), want, 2e-5 * std::max(1.0, std::abs(want)))
          << name << " step " << s << " " << loss_name;
    }
  }
  model->eval();
  torch::NoGradGuard no_grad;
  torch::manual_seed(6);
  expectClose(reconstruct(*model, x), t("eval_after"), 1e-4, "eval output after two steps");
}

INSTANTIATE_TEST_SUITE_P(PaperConfigs, AdversarialParity, ::testing::Values("aae", "si-vae"),
                         [](const auto& info) {
                           return std::string(info.param) == "aae" ? "AAE" : "SI_VAE";
                         });

TEST(AdversarialBaselines, ConvExpandFollowsTheConfigListUnlessDisabled) {
  ConfigNode config = loadYamlFile(test::sourcePath("projects/morphaeus/configs/cxr/si-vae.yaml"));
  auto count = [](torch::nn::Module& m) {
    int n = 0;
    for (const auto& [k, v] : stateDict(m)) n += k.find("conv_expand") != std::string::npos;
    return n;
  };
  EXPECT_EQ(count(*buildModel(config.at("model"))), 8);
  const ConfigNode fixed = loadYamlString(
      "module_name: model_zoo.soft_intro_vae_daniel\nclass_name: SoftIntroVAE\nparams:\n"
      "  channels: [64, 128, 256, 512, 512]\n  upstream_conv_expand: false\n",
      "inline");
  EXPECT_EQ(count(*buildModel(fixed)), 6);  // only the blocks that change the channel count
}

}  // namespace
}  // namespace morphaeus
