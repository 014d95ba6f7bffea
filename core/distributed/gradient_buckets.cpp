#include "core/distributed/gradient_buckets.h"

#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/function_hook.h>
#include <torch/csrc/autograd/variable.h>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "core/base/torch_compat.h"
#include "core/distributed/process_group.h"

namespace morphaeus {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// Called by a parameter's gradient accumulator after it wrote the parameter's .grad.
class GradientReadyHook : public torch::autograd::FunctionPostHook {
 public:
  explicit GradientReadyHook(std::function<void()> ready) : ready_(std::move(ready)) {}
  torch::autograd::variable_list operator()(const torch::autograd::variable_list& outputs,
                                            const torch::autograd::variable_list&) override {
    ready_();
    return outputs;
  }

 private:
  std::function<void()> ready_;
};

}  // namespace

// The accumulators are held here: a parameter keeps only a weak reference to its own, which the
// next forward would otherwise replace (without our hook) once a graph is freed.
struct GradientBuckets::Hooks {
  std::vector<std::pair<compat::AutogradNodePtr, std::uintptr_t>> installed;
};

GradientBuckets::GradientBuckets(ProcessGroup& group, std::vector<torch::Tensor> params,
                                 const GradientBucketOptions& options)
    : group_(group),
      params_(std::move(params)),
      options_(options),
      reached_in_layout_(params_.size(), false),
      hooks_(std::make_unique<Hooks>()) {
  std::vector<std::size_t> reverse;
  for (std::size_t n = params_.size(); n-- > 0;) reverse.push_back(n);
  layOut(reverse);
  for (std::size_t i = 0; i < params_.size(); ++i) {
    if (!params_[i].requires_grad()) continue;
    auto accumulator = torch::autograd::impl::grad_accumulator(params_[i]);
    const auto key = accumulator->add_post_hook(
        std::make_unique<GradientReadyHook>([this, i] { gradientReady(i); }));
    hooks_->installed.emplace_back(std::move(accumulator), key);
  }
}

void GradientBuckets::layOut(const std::vector<std::size_t>& order) {
  buckets_.clear();
  bucket_of_.assign(params_.size(), SIZE_MAX);
  double bytes = 0;
  for (std::size_t m : order) {
    const auto& p = params_[m];
    if (!p.requires_grad()) continue;  // never has a gradient
    const double b = static_cast<double>(p.numel() * p.element_size());
    bool joins = false;
    if (!buckets_.empty()) {
      const auto& first = params_[buckets_.back().members.front()];
      const double cap =
          (buckets_.size() == 1 ? std::min(options_.first_bucket_mib, options_.bucket_mib)
                                : options_.bucket_mib) *
          kMiB;
      joins = first.scalar_type() == p.scalar_type() && first.device() == p.device() &&
              bytes + b <= cap;
    }
    if (!joins) {
      buckets_.emplace_back();
      bytes = 0;
    }
    buckets_.back().members.push_back(m);
    bucket_of_[m] = buckets_.size() - 1;
    bytes += b;
  }
}

GradientBuckets::~GradientBuckets() {
  for (auto& [accumulator, key] : hooks_->installed) accumulator->del_post_hook(key);
}

bool GradientBuckets::holds(const std::vector<torch::Tensor>& params) const {
  return params.size() == params_.size() &&
         std::equal(params.begin(), params.end(), params_.begin(),
                    [](const torch::Tensor& a, const torch::Tensor& b) { return a.is_same(b); });
}

void GradientBuckets::arm() {
  const std::lock_guard<std::mutex> lock(mutex_);
  for (auto& b : buckets_) {
    b.waiting = b.members.size();
    b.sent.clear();
    b.flat = torch::Tensor();
    b.wait = nullptr;
  }
  ready_order_.clear();
  next_ = 0;
  started_early_ = 0;
  armed_ = true;
}

void GradientBuckets::gradientReady(std::size_t param) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (!armed_) return;  // a backward of another optimiser's loss
  ready_order_.push_back(param);
  Bucket& b = buckets_[bucket_of_[param]];
  if (b.waiting > 0 && --b.waiting == 0 && options_.during_backward) startInOrder();
}

void GradientBuckets::startInOrder() {
  while (next_ < buckets_.size() && buckets_[next_].waiting == 0) {
    start(buckets_[next_++]);
    ++started_early_;
  }
}

void GradientBuckets::start(Bucket& b) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> flats;
  for (std::size_t m : b.members) {
    const torch::Tensor g = params_[m].grad();
    if (!g.defined()) continue;  // not reached by this backward (the same on every rank)
    b.sent.push_back(m);
    flats.push_back(g.reshape({-1}));
  }
  if (flats.empty()) return;
  b.flat = torch::cat(flats);
  b.wait = group_.allReduceSumAsync(b.flat);
}

GradientBuckets::Finished GradientBuckets::finish() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    armed_ = false;
    for (; next_ < buckets_.size(); ++next_) start(buckets_[next_]);
  }
  torch::NoGradGuard no_grad;
  const double ranks = static_cast<double>(group_.size());
  for (auto& b : buckets_) {
    if (!b.wait) continue;
    b.wait();
    b.flat.div_(ranks);
    int64_t offset = 0;
    for (std::size_t m : b.sent) {
      torch::Tensor g = params_[m].mutable_grad();
      g.copy_(b.flat.narrow(0, offset, g.numel()).view(g.sizes()));
      offset += g.numel();
    }
    b.flat = torch::Tensor();
    b.wait = nullptr;
  }
  Finished done{buckets_.size(), started_early_, false};
  std::vector<bool> reached(params_.size(), false);
  for (std::size_t m : ready_order_) reached[m] = true;
  if (reached == reached_in_layout_) return done;
  // The same decision on every rank (the same graph); rank 0's order, the unreached last.
  std::vector<int64_t> order;
  for (std::size_t m : ready_order_) order.push_back(static_cast<int64_t>(m));
  for (std::size_t n = params_.size(); n-- > 0;)
    if (!reached[n]) order.push_back(static_cast<int64_t>(n));
  torch::Tensor shared = torch::tensor(order, torch::kLong);
  group_.broadcast({shared});
  std::vector<std::size_t> chosen;
  for (int64_t i = 0; i < shared.numel(); ++i)
    chosen.push_back(static_cast<std::size_t>(shared[i].item<int64_t>()));
  const std::lock_guard<std::mutex> lock(mutex_);
  layOut(chosen);
  reached_in_layout_ = reached;
  done.laid_out_again = true;
  return done;
}

}  // namespace morphaeus
