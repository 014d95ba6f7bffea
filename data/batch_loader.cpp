#include "data/batch_loader.h"

namespace morphaeus {
namespace {

// splitmix64: a small, well-mixed generator whose output is fixed by the standard.
std::uint64_t splitmix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

std::vector<std::size_t> epochOrder(std::size_t n, bool shuffle, std::uint64_t seed, std::int64_t epoch) {
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  if (!shuffle) return order;
  std::uint64_t state = seed * 0x100000001B3ull + static_cast<std::uint64_t>(epoch) + 1;
  for (std::size_t i = n; i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(splitmix(state) % i);
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

BatchLoader::BatchLoader(std::shared_ptr<ImageDataset> dataset, BatchLoaderOptions options)
    : dataset_(std::move(dataset)), options_(options) {
  if (options_.batch_size == 0) options_.batch_size = 1;
  if (options_.prefetch == 0) options_.prefetch = 1;
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { workerLoop(); });
}

BatchLoader::~BatchLoader() { stopWorkers(); }

void BatchLoader::stopWorkers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

std::vector<std::size_t> shardOf(const std::vector<std::size_t>& order, std::size_t rank,
                                 std::size_t count, bool pad) {
  if (count <= 1 || order.empty()) return order;
  std::vector<std::size_t> padded = order;
  if (pad) {
    const std::size_t total = (order.size() + count - 1) / count * count;
    for (std::size_t i = 0; padded.size() < total; ++i) padded.push_back(order[i % order.size()]);
  }
  std::vector<std::size_t> out;
  for (std::size_t i = rank; i < padded.size(); i += count) out.push_back(padded[i]);
  return out;
}

std::size_t BatchLoader::batchesPerEpoch() const {
  std::size_t n = dataset_->size();
  const std::size_t b = options_.batch_size, w = options_.shard_count, r = options_.shard_rank;
  if (w > 1) n = options_.pad_shard ? (n + w - 1) / w : (n > r ? (n - r + w - 1) / w : 0);
  return options_.drop_last ? n / b : (n + b - 1) / b;
}

void BatchLoader::startEpoch(std::int64_t epoch) {
  const auto order =
      shardOf(epochOrder(dataset_->size(), options_.shuffle, options_.seed, epoch),
              options_.shard_rank, options_.shard_count, options_.pad_shard);
  std::vector<std::vector<std::size_t>> batches;
  for (std::size_t start = 0; start < order.size(); start += options_.batch_size) {
    const std::size_t end = std::min(order.size(), start + options_.batch_size);
    if (options_.drop_last && end - start < options_.batch_size) break;
    batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(start),
                         order.begin() + static_cast<std::ptrdiff_t>(end));
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++generation_;
    batches_ = std::move(batches);
    next_to_load_ = next_to_return_ = 0;
    ready_.clear();
    failed_.clear();
  }
  cv_.notify_all();
}

Batch BatchLoader::assemble(std::size_t batch_no) {
  std::vector<std::size_t> indices;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    indices = batches_[batch_no];
  }
  Batch b;
  std::vector<torch::Tensor> images, masks;
  for (std::size_t i : indices) {
    std::optional<Sample> s = dataset_->get(i);
    if (!s) continue;  // skipped bad image
    images.push_back(s->image);
    if (s->mask.defined()) masks.push_back(s->mask);
    b.indices.push_back(i);
  }
  if (!images.empty()) b.images = torch::stack(images);
  if (!masks.empty()) b.masks = torch::stack(masks);
  return b;
}

void BatchLoader::workerLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    cv_.wait(lock, [&] {
      return stop_ || (next_to_load_ < batches_.size() && next_to_load_ < next_to_return_ + options_.prefetch);
    });
    if (stop_) return;
    const std::size_t batch_no = next_to_load_++;
    const std::uint64_t generation = generation_;
    lock.unlock();
    Batch b;
    std::exception_ptr error;
    try {
      b = assemble(batch_no);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    if (generation != generation_) continue;  // the epoch was restarted meanwhile
    if (error) {
      failed_[batch_no] = error;
    } else {
      ready_[batch_no] = std::move(b);
    }
    cv_.notify_all();
  }
}

std::optional<Batch> BatchLoader::next() {
  while (true) {
    std::size_t batch_no;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (next_to_return_ >= batches_.size()) return std::nullopt;
      batch_no = next_to_return_;
      if (!threads_.empty()) {
        cv_.wait(lock, [&] { return ready_.count(batch_no) || failed_.count(batch_no); });
        auto f = failed_.find(batch_no);
        if (f != failed_.end()) {
          auto error = f->second;
          ++next_to_return_;
          cv_.notify_all();
          std::rethrow_exception(error);
        }
        Batch b = std::move(ready_[batch_no]);
        ready_.erase(batch_no);
        ++next_to_return_;
        cv_.notify_all();
        if (b.indices.empty()) continue;  // every image of the batch was skipped
        return b;
      }
      ++next_to_return_;
    }
    Batch b = assemble(batch_no);
    if (!b.indices.empty()) return b;
  }
}

}  // namespace morphaeus
