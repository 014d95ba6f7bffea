// Batches of a dataset for one epoch at a time: seeded shuffling, drop_last, and worker threads
// that decode and resize ahead of the consumer through a bounded window of batches.
#pragma once

#include <torch/torch.h>

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/base/facts/upstream_seed.h"
#include "data/image_dataset.h"

namespace morphaeus {

struct BatchLoaderOptions {
  std::size_t batch_size = 8;
  bool shuffle = false;
  bool drop_last = false;
  std::uint64_t seed = kUpstreamSeed;
  int workers = 2;           // 0: load in the calling thread; 2: upstream's default num_workers
  std::size_t prefetch = 4;  // batches decoded ahead at most
  // Data-parallel runs: this process reads every `shard_count`-th index of the epoch's order,
  // starting at `shard_rank` (torch's DistributedSampler). pad_shard: the order is first padded
  // with its own first indices to a multiple of shard_count, so that every rank has as many
  // images (training); without it the shards differ by at most one image (evaluation).
  std::size_t shard_rank = 0, shard_count = 1;
  bool pad_shard = true;
};

struct Batch {
  torch::Tensor images;              // [B, 1, H, W]
  torch::Tensor masks;               // [B, 1, H, W] or undefined
  std::vector<std::size_t> indices;  // dataset indices, in batch order
};

// The order of an epoch: identity, or a Fisher-Yates permutation from (seed, epoch) with our own
// generator (the same on every platform and standard library).
std::vector<std::size_t> epochOrder(std::size_t n, bool shuffle, std::uint64_t seed,
                                    std::int64_t epoch);

// The part of `order` a rank reads (BatchLoaderOptions::shard_*).
std::vector<std::size_t> shardOf(const std::vector<std::size_t>& order, std::size_t rank,
                                 std::size_t count, bool pad);

class BatchLoader {
 public:
  BatchLoader(std::shared_ptr<ImageDataset> dataset, BatchLoaderOptions options);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  void startEpoch(std::int64_t epoch);
  // The next batch of the epoch in order, or nullopt at its end. Rethrows a worker's DataError.
  std::optional<Batch> next();
  std::size_t batchesPerEpoch() const;
  ImageDataset& dataset() { return *dataset_; }

 private:
  Batch assemble(std::size_t batch_no);
  void workerLoop();
  void stopWorkers();

  std::shared_ptr<ImageDataset> dataset_;
  BatchLoaderOptions options_;
  std::vector<std::vector<std::size_t>> batches_;  // this epoch's index lists

  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::thread> threads_;
  bool stop_ = false;
  std::uint64_t generation_ = 0;  // bumped per epoch so stale work is dropped
  std::size_t next_to_load_ = 0, next_to_return_ = 0;
  std::map<std::size_t, Batch> ready_;
  std::map<std::size_t, std::exception_ptr> failed_;
};

}  // namespace morphaeus
