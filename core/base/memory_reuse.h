// Freed tensor memory kept for the next tensor of the same size instead of handed back to the
// kernel. LibTorch's CPU allocator takes every buffer from malloc, and glibc serves large blocks
// (above an adaptive threshold of at most 32 MiB, or any block where the heap cannot grow in
// place) with fresh mappings that it unmaps on free, so that each training step's activations
// and gradients page-faulted in anew, one zeroed 4 KiB page per fault: 2.9 million faults in a
// 10-second benchmark of 3 paper-config steps at batch 64, a third of the float32 step.
//
// reuseFreedMemory() puts a caching allocator in front of LibTorch's CPU allocator: a block of
// at least kMinCachedBytes is rounded up to its size class (at most 1/8 more: classes step by an
// eighth of the power of two below the size) and, when freed, kept in a free list of its class;
// the next request of that class takes it back, with its pages already mapped. Smaller blocks
// go straight to LibTorch's allocator (glibc's heap reuses them well). The idle blocks are
// bounded (half of the physical memory or of the cgroup's memory.max, or MORPHAEUS_CPU_CACHE_MB):
// past the bound the largest idle blocks go back to the system; a request the system cannot
// serve empties the cache and is tried once more. The process's RSS stays near its peak instead of
// falling back between steps. Off with MORPHAEUS_MALLOC=system.
#pragma once

#include <cstddef>
#include <cstdint>

namespace morphaeus {

// Call at the start of main(), before the tensors that matter are made. Returns whether the
// caching allocator is in use: false while MORPHAEUS_MALLOC=system keeps it out; once put in,
// it stays, and further calls only say so.
bool reuseFreedMemory();

constexpr std::size_t kMinCachedBytes = std::size_t{1} << 20;

// The size a cached request of `bytes` (at least kMinCachedBytes) is rounded up to.
std::size_t cachedSizeClass(std::size_t bytes);

struct CachedMemoryStats {
  int64_t reused = 0;        // requests served from the free lists
  int64_t allocated = 0;     // requests passed on to the system allocator
  int64_t idle_bytes = 0;    // in the free lists now
  int64_t in_use_bytes = 0;  // cached-size blocks held by tensors now
};
CachedMemoryStats cachedMemoryStats();

// Hands every idle block back to the system allocator.
void releaseCachedMemory();

// The bound on idle bytes; returns the previous one. For tests and long-running tools.
std::size_t setCachedMemoryLimit(std::size_t bytes);

}  // namespace morphaeus
