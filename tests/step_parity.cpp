#include "tests/step_parity.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/registry/registry.h"
#include "core/train/trainer_factory.h"
#include "tests/test_support.h"

namespace morphaeus::test {

std::string makePythonReference(const std::string& script) {
  try {
    return cachedPythonReference(script);
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what();
    return makeTempDir("missing-reference");
  }
}

std::unique_ptr<Trainer> configuredTrainer(const ConfigNode& config,
                                           std::shared_ptr<torch::nn::Module> model,
                                           const std::string& training_mode) {
  const ConfigNode& trainer = config.at("trainer");
  TrainerSetup setup;
  setup.run_dir = makeTempDir("parity_step");
  setup.model = std::move(model);
  ConfigNode block = trainer;
  if (!training_mode.empty()) {
    ConfigNode params = trainer.at("params");
    params.set("training_mode",
               ConfigNode::scalar(training_mode, false, {}, "trainer.params.training_mode"));
    block.set("params", params);
  }
  setup.options = trainerOptions(block.at("params"));
  return buildTrainer(std::move(setup), block);
}

void loadReferenceWeights(torch::nn::Module& model, const StateDict& weights,
                          const std::string& file) {
  std::set<std::string> ours, theirs;
  for (const auto& [n, v] : stateDict(model)) ours.insert(n);
  for (const auto& [n, v] : weights) theirs.insert(n);
  EXPECT_EQ(ours, theirs);
  loadStateDict(model, weights, file);
}

void expectAdamStepMatches(const torch::nn::Module& model, const StateDict& after,
                           const StateDict& grads, double lr, double weight_decay,
                           const StateDict* before) {
  std::map<std::string, torch::Tensor> ours, our_grads, ref_grads;
  for (const auto& [n, v] : stateDict(model)) ours[n] = v.detach().to(torch::kDouble);
  for (const auto& p : model.named_parameters())
    our_grads[p.key()] = p.value().grad().to(torch::kDouble);
  for (const auto& [n, g] : grads) ref_grads[n] = g.to(torch::kDouble);
  ASSERT_EQ(our_grads.size(), ref_grads.size());
  for (const auto& [n, g] : ref_grads) {
    const double scale = g.abs().max().item<double>();
    EXPECT_LE((our_grads.at(n) - g).abs().max().item<double>(), 1e-4 * scale + 1e-6)
        << "gradient of " << n;
  }
  std::map<std::string, torch::Tensor> effective = ref_grads;  // g + weight_decay * w_before
  if (weight_decay != 0 && before != nullptr) {
    for (const auto& [n, w] : *before) {
      auto it = effective.find(n);
      if (it != effective.end()) it->second = it->second + weight_decay * w.to(torch::kDouble);
    }
  }
  int64_t well_conditioned = 0, noise_level = 0;
  for (const auto& [n, v] : after) {
    const auto diff = (ours.at(n) - v.to(torch::kDouble)).abs();
    auto it = effective.find(n);
    if (it == effective.end()) {  // buffers (BatchNorm statistics)
      EXPECT_LE(diff.max().item<double>(), 1e-5) << n;
      continue;
    }
    // Exact zeros in both programs (e.g. behind a dead ReLU) are determined too: Adam does not
    // move the weight. (A zero on one side only, e.g. a bias before BatchNorm, is noise level.)
    const auto zero = torch::logical_and(it->second == 0, our_grads.at(n) == 0);
    // Well above Adam's eps and well above this tensor's gradient discrepancy between the two
    // programs (float rounding), the first update is determined to 1e-5.
    const double noise = (our_grads.at(n) - ref_grads.at(n)).abs().max().item<double>();
    const auto strong = torch::logical_or(it->second.abs() >= std::max(1e-7, 100 * noise), zero);
    const auto weak = torch::logical_not(strong);
    well_conditioned += strong.sum().item<int64_t>();
    noise_level += weak.sum().item<int64_t>();
    if (strong.any().item<bool>()) {
      EXPECT_LE(diff.masked_select(strong).max().item<double>(), 1e-5) << n;
    }
    if (weak.any().item<bool>()) {
      EXPECT_LE(diff.masked_select(weak).max().item<double>(), 2 * lr + 1e-6) << n;
    }
  }
  EXPECT_GT(well_conditioned, 10 * noise_level);  // the exemption is the exception
}

}  // namespace morphaeus::test
