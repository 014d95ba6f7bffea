#include "core/train/data_parallel.h"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <spdlog/spdlog.h>

#include "core/distributed/gradient_buckets.h"
#include "core/distributed/process_group.h"
#include "core/distributed/sync_batch_norm.h"

namespace morphaeus {

DataParallel::DataParallel(ProcessGroup* group, bool sync_batchnorm,
                           const GradientBucketOptions& buckets)
    : group_(group), sync_batchnorm_(group != nullptr && sync_batchnorm), bucket_options_(buckets) {
  if (sync_batchnorm_) installSyncBatchNorm(group_);
}

DataParallel::~DataParallel() {
  if (sync_batchnorm_) installSyncBatchNorm(nullptr);
}

bool DataParallel::isMain() const {
  return ProcessGroup::isMainProcess(group_);
}

void DataParallel::broadcastModel(torch::nn::Module& model) const {
  if (group_ == nullptr) return;
  std::vector<torch::Tensor> state = model.parameters();
  for (const auto& b : model.buffers()) state.push_back(b);
  group_->broadcast(state);
}

void DataParallel::beforeStep(torch::nn::Module& model) const {
  if (group_ != nullptr && !sync_batchnorm_) group_->broadcast(model.buffers());
}

void DataParallel::beforeBackward(std::size_t optimizer, const std::vector<torch::Tensor>& params) {
  if (group_ == nullptr) return;
  if (buckets_.size() <= optimizer) buckets_.resize(optimizer + 1);
  auto& b = buckets_[optimizer];
  if (!b || !b->holds(params))
    b = std::make_unique<GradientBuckets>(*group_, params, bucket_options_);
  b->arm();
}

void DataParallel::afterBackward(std::size_t optimizer) {
  if (group_ == nullptr) return;
  const GradientBuckets::Finished f = buckets_.at(optimizer)->finish();
  // Said once per layout, after the first backward that used it (the first one is provisional).
  if (f.laid_out_again) {
    overlap_logged_ = false;
    return;
  }
  if (overlap_logged_) return;
  overlap_logged_ = true;
  spdlog::info(
      "distributed: gradients averaged in {} bucket(s) of at most {} MiB, {} of them all-reduced "
      "during the backward{}",
      f.buckets, bucket_options_.bucket_mib, f.started_early,
      bucket_options_.during_backward ? "" : " (allreduce_during_backward: false)");
}

void DataParallel::sum(std::vector<double>& sums, int64_t& images) const {
  if (group_ == nullptr) return;
  torch::Tensor t = torch::zeros({static_cast<int64_t>(sums.size()) + 1}, torch::kDouble);
  auto* p = t.data_ptr<double>();
  std::copy(sums.begin(), sums.end(), p);
  p[sums.size()] = static_cast<double>(images);
  group_->allReduceSum(t);
  p = t.data_ptr<double>();
  std::copy(p, p + sums.size(), sums.begin());
  images = static_cast<int64_t>(p[sums.size()]);
}

bool DataParallel::any(bool local) const {
  if (group_ == nullptr) return local;
  torch::Tensor t = torch::full({1}, local ? 1.0 : 0.0);
  group_->allReduceSum(t);
  return t.item<double>() > 0;
}

void DataParallel::requireSameWeights(torch::nn::Module& model, int64_t epoch) const {
  if (group_ == nullptr) return;
  torch::NoGradGuard no_grad;
  group_->broadcast(model.buffers());
  torch::Tensor sum = torch::zeros({1, 2}, torch::kDouble);
  int64_t k = 0;
  auto add = [&](const torch::Tensor& t) {
    const auto d = t.detach().to(torch::kCPU, torch::kDouble);
    sum[0][0] += d.sum();
    sum[0][1] += (d * static_cast<double>(++k % 7 + 1)).abs().sum();
  };
  for (const auto& p : model.parameters()) add(p);
  for (const auto& b : model.buffers()) add(b);
  const torch::Tensor all = group_->allGather(sum);
  if (!all.eq(sum).all().item<bool>()) {
    throw DistributedError(
        fmt::format("rank {}: the weights differ between the ranks after epoch {} (checksums {})",
                    group_->rank(), epoch, fmt::streamed(all)));
  }
  spdlog::info("distributed: weights identical on all {} ranks after epoch {} (checksum {:.17g})",
               group_->size(), epoch, sum[0][0].item<double>());
}

}  // namespace morphaeus
