// The caching CPU allocator (core/base/memory_reuse): size classes, a freed large tensor's
// memory taken back without new page faults -- also where glibc's heap cannot grow in place and
// serves large blocks from fresh mappings (where glibc's own settings had not helped: a CI
// machine counted 16,384 faults for the second 64 MiB tensor) -- small blocks left to LibTorch,
// the raw interface, the bound on idle memory and a request the system cannot serve.
#include <c10/core/CPUAllocator.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "core/base/memory_reuse.h"

namespace morphaeus {
namespace {

long minorFaults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

TEST(MemoryReuse, SizeClassesRoundUpByAtMostAnEighth) {
  for (std::size_t n = kMinCachedBytes; n < (std::size_t{1} << 34); n = n * 9 / 7 + 4093) {
    const std::size_t c = cachedSizeClass(n);
    EXPECT_GE(c, n);
    EXPECT_LE(c - n, n / 8) << n;
    EXPECT_EQ(cachedSizeClass(c), c) << n;
    EXPECT_LE(cachedSizeClass(n - 1), c) << n;
  }
  EXPECT_EQ(cachedSizeClass(64u << 20), 64u << 20);
  EXPECT_EQ(cachedSizeClass((64u << 20) - 4096), 64u << 20);
  EXPECT_EQ(cachedSizeClass((64u << 20) + 1), (64u << 20) + (8u << 20));
}

// A PROT_NONE page 1 MiB above the heap's end stops glibc from growing the heap in place, as
// another mapping there does on some machines; glibc then takes fresh mappings even with
// M_MMAP_MAX 0, and its heap-based reuse fails (reproduced with a C check: 16,384 faults).
TEST(MemoryReuse, AFreedLargeTensorIsReusedWithoutNewPageFaults) {
  ::setenv("MORPHAEUS_MALLOC", "system", 1);
  EXPECT_FALSE(reuseFreedMemory()) << "MORPHAEUS_MALLOC=system keeps LibTorch's allocator";
  ::unsetenv("MORPHAEUS_MALLOC");
  ASSERT_TRUE(reuseFreedMemory());
  EXPECT_TRUE(reuseFreedMemory());

  char* heap_end = static_cast<char*>(sbrk(0));
  void* blocker = mmap(heap_end + (1 << 20), 4096, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  constexpr int64_t kFloats = 16 << 20;  // 64 MiB
  const auto before_stats = cachedMemoryStats();
  void* first = nullptr;
  {
    auto t = torch::empty({kFloats});
    t.fill_(1.0f);  // touched, then freed
    first = t.data_ptr();
  }
  EXPECT_EQ(cachedMemoryStats().idle_bytes - before_stats.idle_bytes, int64_t{64} << 20);
  const long before = minorFaults();
  auto again = torch::empty({kFloats - 1024});  // 4 KiB less: the same size class
  again.fill_(2.0f);
  const long faults = minorFaults() - before;
  EXPECT_LT(faults, 1000) << faults << " page faults for a 64 MiB tensor allocated a second time";
  EXPECT_EQ(again.data_ptr(), first);
  const auto stats = cachedMemoryStats();
  EXPECT_EQ(stats.reused - before_stats.reused, 1);
  EXPECT_EQ(stats.allocated - before_stats.allocated, 1);
  EXPECT_GE(stats.in_use_bytes, int64_t{64} << 20);
  EXPECT_EQ(again.sum().item<double>(), 2.0 * static_cast<double>(kFloats - 1024));
  if (blocker != MAP_FAILED) munmap(blocker, 4096);
}

TEST(MemoryReuse, SmallBlocksRawAllocationTheBoundAndAFailedRequest) {
  ASSERT_TRUE(reuseFreedMemory());
  releaseCachedMemory();
  const auto start = cachedMemoryStats();
  EXPECT_EQ(start.idle_bytes, 0);
  { auto small = torch::ones({1000}); }  // LibTorch's allocator, untouched by the cache
  EXPECT_EQ(cachedMemoryStats().allocated, start.allocated);
  EXPECT_EQ(cachedMemoryStats().idle_bytes, 0);

  c10::Allocator* cpu = c10::GetCPUAllocator();
  void* raw_small = cpu->raw_allocate(4096);
  void* raw_large = cpu->raw_allocate(3u << 20);
  std::memset(raw_small, 1, 4096);
  std::memset(raw_large, 1, 3u << 20);
  cpu->raw_deallocate(raw_small);
  cpu->raw_deallocate(raw_large);
  EXPECT_EQ(cachedMemoryStats().idle_bytes, int64_t{3} << 20);

  // Past the bound, freed blocks go back to the system.
  const std::size_t old_limit = setCachedMemoryLimit(4u << 20);
  { auto a = torch::empty({1 << 20}), b = torch::empty({1 << 20}); }  // 4 MiB each
  EXPECT_LE(cachedMemoryStats().idle_bytes, int64_t{4} << 20);
  releaseCachedMemory();
  EXPECT_EQ(cachedMemoryStats().idle_bytes, 0);
  setCachedMemoryLimit(old_limit);

  // A request no system can serve fails as LibTorch's own does, and leaves the cache empty.
  { auto keep = torch::empty({1 << 21}); }
  EXPECT_GT(cachedMemoryStats().idle_bytes, 0);
  EXPECT_THROW(torch::empty({int64_t{1} << 60}, torch::kUInt8), c10::Error);
  EXPECT_EQ(cachedMemoryStats().idle_bytes, 0);
  EXPECT_EQ(cachedMemoryStats().in_use_bytes, start.in_use_bytes);
}

}  // namespace
}  // namespace morphaeus
