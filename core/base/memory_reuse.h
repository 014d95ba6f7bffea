// Freed tensor memory kept for the next tensor instead of handed back to the kernel. LibTorch's
// CPU allocator takes every buffer from malloc, and glibc serves large blocks (above an
// adaptive threshold of at most 32 MiB) with fresh mappings that it unmaps on free, so that each
// training step's activations and gradients page-faulted in anew, one zeroed 4 KiB page per
// fault: 2.9 million faults in a 10-second benchmark of 3 paper-config steps at batch 64, a
// third of the float32 step. Here all blocks come from the heap (no mmap'd chunks) and the heap
// is never trimmed, so that freed blocks are reused; the process's RSS stays at its peak
// (about 15% above the peak without it) instead of falling back between steps. Off with
// MORPHAEUS_MALLOC=system; nothing on a C library other than glibc.
#pragma once

namespace morphaeus {

// Call once at the start of main(). Returns whether the settings were applied.
bool reuseFreedMemory();

}  // namespace morphaeus
