// Gradient averaging over the ranks that overlaps the backward pass, as PyTorch's
// DistributedDataParallel reducer does: a hook on each parameter's gradient accumulator counts
// its bucket's gradients in, and a full bucket is flattened and its all-reduce started
// (asynchronously) while the backward goes on. Buckets start in their index order on every rank,
// so the ranks issue the same collectives in the same order. finish() starts what is left (a
// parameter the backward did not reach holds no gradient and is left out, as before), waits,
// and writes the averages back into the gradients.
//
// The first layout is the reverse parameter order. As DDP rebuilds its buckets after the first
// iteration, finish() lays them out again in the order the backward produced the gradients
// (rank 0's, broadcast), the parameters it did not reach last, whenever the set of reached
// parameters changed (MorphAEus' deformer joins the loss only after its first epochs): unreached
// parameters early in the order would hold their bucket, and every later one, until the backward
// ends.
#pragma once

#include <torch/torch.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace morphaeus {

class ProcessGroup;

struct GradientBucketOptions {
  /// The most bytes per bucket, in MiB (DDP's bucket_cap_mb).
  double bucket_mib = 25;
  /// The first bucket (the gradients ready first) is smaller, so that communication starts early
  /// (DDP's first-bucket cap; never more than bucket_mib).
  double first_bucket_mib = 1;
  /// Start each bucket's all-reduce as soon as its gradients are ready, during the backward
  /// (DDP); false: every bucket's after the backward.
  bool during_backward = true;
};

class GradientBuckets {
 public:
  GradientBuckets(ProcessGroup& group, std::vector<torch::Tensor> params,
                  const GradientBucketOptions& options = {});
  ~GradientBuckets();
  GradientBuckets(const GradientBuckets&) = delete;
  GradientBuckets& operator=(const GradientBuckets&) = delete;

  // Whether these are the buckets of `params` (the same tensors in the same order).
  bool holds(const std::vector<torch::Tensor>& params) const;
  // Before the backward: every bucket empty and waiting.
  void arm();
  struct Finished {
    std::size_t buckets = 0;        // in the layout this backward used
    std::size_t started_early = 0;  // of them, started during the backward
    bool laid_out_again = false;    // the next backward uses a new layout
  };
  // After the backward: every bucket's all-reduce started and awaited, the averages in the
  // parameters' gradients. Throws DistributedError as the blocking collectives do.
  Finished finish();

 private:
  struct Bucket {
    std::vector<std::size_t> members;  // indices into params_
    std::size_t waiting = 0;           // gradients not yet accumulated in this backward
    std::vector<std::size_t> sent;     // members whose gradients went into `flat`
    torch::Tensor flat;
    std::function<void()> wait;  // set once the all-reduce started
  };
  // Buckets of consecutive parameters of `order` (one dtype and device each, at most the cap; a
  // tensor larger than the cap alone).
  void layOut(const std::vector<std::size_t>& order);
  void gradientReady(std::size_t param);
  void startInOrder();
  void start(Bucket& bucket);

  ProcessGroup& group_;
  std::vector<torch::Tensor> params_;
  GradientBucketOptions options_;
  std::vector<Bucket> buckets_;
  std::vector<std::size_t> bucket_of_;
  std::vector<bool> reached_in_layout_;   // the parameters the layout's backward reached
  std::vector<std::size_t> ready_order_;  // this backward's, as the hooks saw it
  struct Hooks;
  std::unique_ptr<Hooks> hooks_;
  std::mutex mutex_;  // the autograd engine may call the hooks from its own threads
  bool armed_ = false;
  std::size_t next_ = 0;  // the next bucket to start
  std::size_t started_early_ = 0;
};

}  // namespace morphaeus
