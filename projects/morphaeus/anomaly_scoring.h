// The evaluator's pass over one loader: every image's reconstruction, anomaly score, L1, SSIM
// and (optionally) LPIPS, with its anomaly map and mask where the report needs them. In a
// multi-process run every rank scores its shard and the values are gathered and put back in
// dataset order, so that rank 0 holds exactly what one process would.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/facts/upstream_seed.h"
#include "core/eval/anomaly_score.h"
#include "core/metrics/lpips_metric.h"
#include "data/batch_loader.h"

namespace morphaeus {

class ProcessGroup;

struct ScoringRequest {
  AnomalyScoreOptions score;
  bool details = true;      // l1, ssim, lpips (false: the threshold's pass, scores only)
  bool keep_maps = false;   // the anomaly maps, [N, H*W] double
  bool keep_masks = false;  // the loader's masks, [N, H*W] int (when it has them)
  LpipsMetric* lpips = nullptr;
  std::uint64_t seed = kUpstreamSeed;  // the run's seed (models that sample at evaluation)
  std::string progress;       // shown as the pass's progress line (core/base/progress_line.h)
};

// One row per image, in dataset order (index ascending).
struct ScoredImages {
  std::vector<std::size_t> index;  // the dataset entry
  std::vector<double> score, l1, ssim, lpips;
  torch::Tensor maps, masks;  // undefined unless requested (and masks exist)
  std::size_t size() const { return index.size(); }
};

// The model must be in eval mode. `group`: the data-parallel group (null: one process).
ScoredImages scoreImages(torch::nn::Module& model, BatchLoader& loader, const torch::Device& device,
                         const ScoringRequest& request, ProcessGroup* group);

}  // namespace morphaeus
