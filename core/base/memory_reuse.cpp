#include "core/base/memory_reuse.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <c10/util/Exception.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace morphaeus {
namespace {

// The memory this process may use: the machine's, or less where a cgroup (a container, a batch
// scheduler's job) caps it.
std::size_t usableMemory() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  std::size_t bytes = pages > 0 && page > 0
                          ? static_cast<std::size_t>(pages) * static_cast<std::size_t>(page)
                          : std::size_t{8} << 30;
  for (const char* file :
       {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(file);
    unsigned long long cap = 0;
    if (in >> cap && cap > 0 && cap < bytes) bytes = static_cast<std::size_t>(cap);  // "max": none
  }
  return bytes;
}

std::size_t defaultLimit() {
  if (const char* mb = std::getenv("MORPHAEUS_CPU_CACHE_MB")) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(mb, &end, 10);
    if (end != mb && *end == '\0') return static_cast<std::size_t>(v) << 20;
  }
  return usableMemory() / 2;
}

// The free lists and the blocks in use, behind one mutex. A block's DataPtr from the system
// allocator owns its memory; the tensors see a DataPtr whose context is the data pointer itself
// (so that raw_allocate works) and whose deleter puts the block back.
class BlockCache {
 public:
  explicit BlockCache(c10::Allocator* system) : system_(system), limit_(defaultLimit()) {}

  c10::DataPtr allocate(std::size_t n) {
    if (n < kMinCachedBytes) return system_->allocate(n);
    const std::size_t bytes = cachedSizeClass(n);
    c10::DataPtr block = takeIdle(bytes);
    if (!block) block = allocateFromSystem(bytes);
    void* data = block.get();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      in_use_.emplace(data, Block{std::move(block), bytes});
      in_use_bytes_ += static_cast<int64_t>(bytes);
    }
    return {data, data, &BlockCache::release, c10::Device(c10::DeviceType::CPU)};
  }

  static void release(void* data);

  void giveBack(void* data) {
    std::vector<c10::DataPtr> evicted;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = in_use_.find(data);
      if (it == in_use_.end()) {
        // A small block handed out by raw_allocate: the system allocator's own.
        system_->raw_deleter()(data);
        return;
      }
      Block block = std::move(it->second);
      in_use_.erase(it);
      in_use_bytes_ -= static_cast<int64_t>(block.bytes);
      idle_bytes_ += block.bytes;
      idle_.emplace(block.bytes, std::move(block.data));
      while (idle_bytes_ > limit_ && !idle_.empty()) {
        auto largest = std::prev(idle_.end());
        idle_bytes_ -= largest->first;
        evicted.push_back(std::move(largest->second));
        idle_.erase(largest);
      }
    }
    // `evicted` frees its blocks here, outside the lock.
  }

  void releaseAll() {
    std::multimap<std::size_t, c10::DataPtr> idle;
    std::lock_guard<std::mutex> lock(mutex_);
    idle.swap(idle_);
    idle_bytes_ = 0;
  }

  CachedMemoryStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return {reused_, allocated_, static_cast<int64_t>(idle_bytes_), in_use_bytes_};
  }

  std::size_t setLimit(std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::exchange(limit_, bytes);
  }

 private:
  struct Block {
    c10::DataPtr data;
    std::size_t bytes = 0;
  };

  c10::DataPtr takeIdle(std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = idle_.find(bytes);
    if (it == idle_.end()) return {};
    c10::DataPtr block = std::move(it->second);
    idle_.erase(it);
    idle_bytes_ -= bytes;
    ++reused_;
    return block;
  }

  c10::DataPtr allocateFromSystem(std::size_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++allocated_;
    }
    try {
      return system_->allocate(bytes);
    } catch (const c10::Error&) {
      releaseAll();  // the idle blocks may be what stands in the way; one more try
      return system_->allocate(bytes);
    }
  }

  c10::Allocator* system_;
  std::mutex mutex_;
  std::multimap<std::size_t, c10::DataPtr> idle_;
  std::unordered_map<void*, Block> in_use_;
  std::size_t idle_bytes_ = 0;
  std::size_t limit_;
  int64_t in_use_bytes_ = 0;
  int64_t reused_ = 0;
  int64_t allocated_ = 0;
};

// Never destroyed: tensors may outlive main()'s locals and static destructors.
BlockCache* g_cache = nullptr;

void BlockCache::release(void* data) {
  g_cache->giveBack(data);
}

// LibTorch's c10::Allocator. `allocate` is const up to LibTorch 2.2 and not from 2.3 on, which
// also added the pure virtual copy_data: both spellings are declared, none marked override, so
// that whichever the installed LibTorch declares is the one overridden.
struct CachingCpuAllocator final : c10::Allocator {
  c10::DataPtr allocate(std::size_t n) const { return g_cache->allocate(n); }
  c10::DataPtr allocate(std::size_t n) { return g_cache->allocate(n); }
  c10::DeleterFnPtr raw_deleter() const { return &BlockCache::release; }
  void copy_data(void* dest, const void* src, std::size_t count) const {
    std::memcpy(dest, src, count);
  }
};

}  // namespace

std::size_t cachedSizeClass(std::size_t bytes) {
  std::size_t power = 1;
  while (power <= bytes / 2) power <<= 1;  // the power of two at or below `bytes`
  const std::size_t step = power / 8;
  return (bytes + step - 1) / step * step;
}

bool reuseFreedMemory() {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  if (g_cache != nullptr) return true;
  const char* choice = std::getenv("MORPHAEUS_MALLOC");
  if (choice != nullptr && std::strcmp(choice, "system") == 0) return false;
  c10::Allocator* system = c10::GetCPUAllocator();
  TORCH_CHECK(system->raw_deleter() != nullptr, "LibTorch's CPU allocator has no raw deleter");
  g_cache = new BlockCache(system);
  static CachingCpuAllocator allocator;
  c10::SetCPUAllocator(&allocator, /*priority=*/1);
  return true;
}

CachedMemoryStats cachedMemoryStats() {
  return g_cache ? g_cache->stats() : CachedMemoryStats{};
}

void releaseCachedMemory() {
  if (g_cache) g_cache->releaseAll();
}

std::size_t setCachedMemoryLimit(std::size_t bytes) {
  return g_cache ? g_cache->setLimit(bytes) : 0;
}

}  // namespace morphaeus
