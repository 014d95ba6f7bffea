// This process's resident memory (Linux /proc/self/status), in MiB; 0 where unknown.
#pragma once

namespace morphaeus {

// Resident now (VmRSS): logged per epoch as rss_mb.
double residentMiB();
// The most it was resident so far (VmHWM): benchmarks' peak memory.
double peakResidentMiB();

}  // namespace morphaeus
