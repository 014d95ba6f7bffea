// The data-parallel side of a training, one object per trainer, given the run's process group
// (nullptr in a single process: then every call does nothing and isMain() is true). It owns what
// PyTorch's DistributedDataParallel does around the steps: rank 0's weights and buffers to every
// rank at the start, its running statistics before each step (or SyncBatchNorm, installed for
// the object's lifetime), gradient averaging, sums over the shards, one stop decision for all
// ranks, and a check that the ranks still hold the same weights.
#pragma once

#include <torch/torch.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/distributed/gradient_buckets.h"

namespace morphaeus {

class ProcessGroup;

class DataParallel {
 public:
  DataParallel(ProcessGroup* group, bool sync_batchnorm, const GradientBucketOptions& buckets);
  ~DataParallel();
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;

  bool active() const { return group_ != nullptr; }
  bool isMain() const;

  // Rank 0's parameters and buffers into every rank's module (also after a resume: same file).
  void broadcastModel(torch::nn::Module& model) const;
  // Before a step: rank 0's running statistics to every rank (PyTorch DDP's broadcast_buffers),
  // unless SyncBatchNorm computes them over the global batch.
  void beforeStep(torch::nn::Module& model) const;
  // Around the backward of optimiser `optimizer`'s loss: the gradients of its `params` are
  // averaged over the ranks in buckets whose all-reduce starts during the backward
  // (GradientBuckets); after afterBackward() they hold the averages.
  void beforeBackward(std::size_t optimizer, const std::vector<torch::Tensor>& params);
  void afterBackward(std::size_t optimizer);
  // Sums and the image count over every rank's shard, in place.
  void sum(std::vector<double>& sums, int64_t& images) const;
  // True when any rank says true: all ranks stop after the same step.
  bool any(bool local) const;
  // Throws DistributedError unless every rank holds the same weights and buffers (compares a
  // float64 checksum; bit-identical weights give identical sums).
  void requireSameWeights(torch::nn::Module& model, int64_t epoch) const;

 private:
  ProcessGroup* group_;
  bool sync_batchnorm_;
  GradientBucketOptions bucket_options_;
  std::vector<std::unique_ptr<GradientBuckets>> buckets_;  // per optimiser
  bool overlap_logged_ = false;
};

}  // namespace morphaeus
