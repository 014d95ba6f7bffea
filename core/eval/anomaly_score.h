// The anomaly score of the reconstruction methods (docs/METHOD.md section 5): the anomaly map is
// |reconstruction - x| (optionally Gaussian-smoothed), the image score its mean (or max). One
// function for the evaluator, `morphaeus infer` and the evaluation benchmark, so that the three
// agree on every image.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/precision.h"

namespace morphaeus {

struct AnomalyScoreOptions {
  bool use_max = false;        // score = max of the map instead of its mean
  double smoothing_sigma = 0;  // Gaussian smoothing of the map (pixels); 0 = none
  // The model's arithmetic (a task's params.precision): bf16 runs the reconstruction under
  // autocast with channels_last (the model's 4-D weights are converted in place on first use);
  // maps and scores are computed in float32 from it either way. auto: resolvePrecision.
  Precision precision = Precision::Fp32;
  std::string describe() const;
};

struct ScoredBatch {
  torch::Tensor reconstruction;  // [B, 1, H, W], on the model's device
  torch::Tensor anomaly_map;     // [B, 1, H, W] float, CPU (smoothed when asked)
  torch::Tensor score;           // [B] double, CPU
  torch::Tensor l1;              // [B] double, CPU: mean |reconstruction - x| (never smoothed)
};

// The model must be in eval mode; runs without autograd. A model whose reconstruction samples
// (reconstructionSamples: the beta-VAE and SI-VAE, as upstream's) reconstructs image by image,
// drawing image i's z after seeding torch's generator with seeds[i] (imageSeed), so that its
// score depends on the image and the run's seed alone -- not on the batch size, the rank that
// scored it, what ran before, or whether the evaluator or `infer` scored it; torch's CPU
// generator is left as it was. Without seeds, image i of the batch takes imageSeed(0, "<i>").
ScoredBatch scoreBatch(torch::nn::Module& model, const torch::Tensor& x,
                       const AnomalyScoreOptions& options,
                       const std::vector<std::uint64_t>& seeds = {});

// The sampling seed of the image file `path` (its file name counts, not the folder) in a run
// seeded with `run_seed`.
std::uint64_t imageSeed(std::uint64_t run_seed, const std::string& path);

// Separable Gaussian filter with zero padding and a radius of ceil(3 sigma); maps: [B, 1, H, W].
torch::Tensor gaussianSmooth(const torch::Tensor& maps, double sigma);

}  // namespace morphaeus
