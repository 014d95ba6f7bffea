// One optimisation step against a PyTorch reference: gradients to float rounding, and the
// weights after Adam's first step to 1e-5 wherever the reference gradient is well above Adam's
// eps (|g| >= 1e-7) and 100x above the tensor's largest gradient discrepancy. Adam's first step
// moves each weight by about lr * g / (|g| + eps), so where g is at rounding-noise level (e.g. a
// conv bias right before a train-mode BatchNorm, whose gradient is zero in real arithmetic) both
// programs move it by an arbitrary amount below lr; there the bound lr is checked. Exact zero
// gradients (dead ReLUs) must leave the weight where it was, within 1e-5 of the reference. Buffers
// (BatchNorm statistics) must agree to 1e-5.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

#include "core/checkpoint/state_dict.h"
#include "core/config/config_node.h"
#include "core/train/trainer.h"

namespace morphaeus::test {

// The folder `/usr/bin/python3 tests/python/<script> make DIR` filled, made once per build tree
// (cachedPythonReference); a test failure with the script's stderr when it fails. Read only.
std::string makePythonReference(const std::string& script);

// The trainer a config's `trainer` block names, on `model`, with a fresh run directory;
// `training_mode` (eval | train) set in its params when not empty.
std::unique_ptr<Trainer> configuredTrainer(const ConfigNode& config,
                                           std::shared_ptr<torch::nn::Module> model,
                                           const std::string& training_mode = "");

// Loads `weights` (a reference's state_dict read from `file`) into `model` after checking that
// both have the same tensor names (upstream's); the load itself is strict (shapes).
void loadReferenceWeights(torch::nn::Module& model, const StateDict& weights,
                          const std::string& file);

// With weight decay, Adam's effective gradient is g + weight_decay * w (w: the weights before the
// step, `before`); the classification above uses it.
void expectAdamStepMatches(const torch::nn::Module& model, const StateDict& after,
                           const StateDict& grads, double lr, double weight_decay = 0,
                           const StateDict* before = nullptr);

}  // namespace morphaeus::test
