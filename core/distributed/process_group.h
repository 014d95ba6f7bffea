// The process group of a data-parallel run, on PyTorch's own distributed engine (c10d):
// a TCPStore rendezvous at MASTER_ADDR:MASTER_PORT (rank 0 hosts it), ProcessGroupGloo on the
// CPU, ProcessGroupNCCL for CUDA tensors where LibTorch has it. One per process, created by
// ProcessGroup::init() before training; ProcessGroup::current() is null in single-process runs.
// Every collective waits at most the configured timeout; a rank that died or hangs turns into a
// DistributedError naming this rank, the operation and the timeout.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/config/error_context.h"
#include "core/distributed/distributed_options.h"

namespace morphaeus {

// Says which rank and what failed ("rank 0/2: ..."): passes inContext() unchanged.
class DistributedError : public ContextError {
 public:
  using ContextError::ContextError;
};

class ProcessGroup {
 public:
  // Rendezvous with the other ranks (waits up to the timeout for all of them).
  static void init(const DistributedOptions& options, const torch::Device& device);
  static ProcessGroup* current();
  static bool isMainProcess() { return isMainProcess(current()); }
  // Whether this process reports for `group` (null: a single process, which does).
  static bool isMainProcess(const ProcessGroup* group) {
    return group == nullptr || group->isMain();
  }
  ~ProcessGroup();

  int rank() const { return options_.rank; }
  int size() const { return options_.world_size; }
  bool isMain() const { return options_.rank == 0; }
  const DistributedOptions& options() const { return options_; }
  std::string backendName() const;

  // Rank 0's values into every rank's tensors (in place).
  void broadcast(std::vector<torch::Tensor> tensors);
  // Elementwise sum over the ranks, in place.
  void allReduceSum(torch::Tensor& tensor);
  // Starts an elementwise sum over the ranks of the contiguous `tensor`, in place, and returns
  // what waits for it (throwing DistributedError as allReduceSum does). Collectives must start in
  // the same order on every rank.
  std::function<void()> allReduceSumAsync(const torch::Tensor& tensor);
  // Every rank's `t` ([n_r, ...], n_r may differ) concatenated in rank order, on every rank.
  torch::Tensor allGather(const torch::Tensor& t);
  void barrier();
  // A small string from rank 0 to every rank (through the store).
  std::string shareFromMain(const std::string& key, const std::string& value);

 private:
  explicit ProcessGroup(const DistributedOptions& options);
  struct Backend;
  DistributedOptions options_;
  std::unique_ptr<Backend> backend_;
  int64_t store_keys_ = 0;
};

}  // namespace morphaeus
