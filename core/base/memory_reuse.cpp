#include "core/base/memory_reuse.h"

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace morphaeus {

bool reuseFreedMemory() {
  const char* choice = std::getenv("MORPHAEUS_MALLOC");
  if (choice != nullptr && std::strcmp(choice, "system") == 0) return false;
#if defined(__GLIBC__)
  // M_MMAP_MAX 0: no block from mmap (glibc still falls back to mmap where the heap cannot grow);
  // M_TRIM_THRESHOLD: never give the heap's top back; M_TOP_PAD: grow it 64 MiB at a time.
  return mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, 0x7fffffff) == 1 &&
         mallopt(M_TOP_PAD, 64 << 20) == 1;
#else
  return false;
#endif
}

}  // namespace morphaeus
