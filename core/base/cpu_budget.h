// How many CPUs this process may use, and what decided it, the way torchrun and SLURM users
// expect: the smallest of
//   - the CPU affinity mask (sched_getaffinity: taskset, SLURM and cgroup cpusets),
//   - the cgroup's CPU quota (v2 cpu.max, v1 cpu.cfs_quota_us / cpu.cfs_period_us; rounded up),
//   - OMP_NUM_THREADS and SLURM_CPUS_PER_TASK, where set;
// and, under a launcher (LOCAL_WORLD_SIZE > 1, or SLURM_NTASKS_PER_NODE > 1) with neither of
// those variables set, the node's usable CPUs divided among its local ranks.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace morphaeus {

struct CpuBudget {
  int cpus = 1;
  std::string source;  // what decided `cpus`, for the log ("the CPU affinity mask", ...)
};

// What the budget is computed from; currentCpuFacts() reads this process's, tests make their own.
struct CpuFacts {
  int affinity_cpus = 1;                        // CPUs in the affinity mask
  std::optional<double> cgroup_quota;           // CPUs the cgroup's quota allows; none: no quota
  std::function<const char*(const char*)> env;  // getenv
};
CpuFacts currentCpuFacts();

// The CPUs of this process's affinity mask, in order (empty when it cannot be read).
std::vector<int> affinityCpuList();

// The cgroup CPU quota from /proc/self/cgroup's text and a cgroup mount root: v2 "0::/path" ->
// <root>/<path>/cpu.max (then each parent up to <root>), v1 <root>/cpu/cpu.cfs_quota_us and
// cpu.cfs_period_us (also cpu,cpuacct). None when no file limits the CPU ("max", -1).
std::optional<double> cgroupCpuQuota(const std::string& proc_self_cgroup,
                                     const std::string& cgroup_root);

// EnvironmentError (exit code 2) for OMP_NUM_THREADS, SLURM_CPUS_PER_TASK, LOCAL_WORLD_SIZE or
// SLURM_NTASKS_PER_NODE that is not a positive integer.
CpuBudget cpuBudget(const CpuFacts& facts);

// This process's budget, cpuBudget(currentCpuFacts()), computed once (main() asks first, so a bad
// variable stops the program before any command runs; configureThreads() reuses it).
const CpuBudget& processCpuBudget();

}  // namespace morphaeus
