#include "core/base/cpu_budget.h"

#include <sched.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/base/environment_error.h"

namespace morphaeus {
namespace {
namespace fs = std::filesystem;

// A positive integer variable; none when unset or empty.
std::optional<int> positiveVariable(const CpuFacts& facts, const char* name) {
  const char* text = facts.env ? facts.env(name) : nullptr;
  if (text == nullptr || *text == '\0') return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v <= 0 || v > 1 << 20)
    throw EnvironmentError(name, text, "not a positive integer");
  return static_cast<int>(v);
}

std::optional<double> quotaFromCpuMax(const fs::path& file) {
  std::ifstream in(file);
  std::string quota;
  double period = 0;
  if (!(in >> quota >> period) || quota == "max" || period <= 0) return std::nullopt;
  char* end = nullptr;
  const double q = std::strtod(quota.c_str(), &end);
  if (end == quota.c_str() || q <= 0) return std::nullopt;
  return q / period;
}

std::optional<double> quotaFromCfs(const fs::path& dir) {
  std::ifstream q(dir / "cpu.cfs_quota_us"), p(dir / "cpu.cfs_period_us");
  double quota = 0, period = 0;
  if (!(q >> quota) || !(p >> period) || quota <= 0 || period <= 0) return std::nullopt;
  return quota / period;
}

}  // namespace

std::optional<double> cgroupCpuQuota(const std::string& proc_self_cgroup,
                                     const std::string& cgroup_root) {
  std::optional<double> smallest;
  auto keep = [&](std::optional<double> q) {
    if (q && (!smallest || *q < *smallest)) smallest = q;
  };
  std::istringstream lines(proc_self_cgroup);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("0::", 0) != 0) continue;  // cgroup v2: the limits of each ancestor apply
    for (fs::path p = fs::path(cgroup_root) / fs::path(line.substr(3)).relative_path();;
         p = p.parent_path()) {
      keep(quotaFromCpuMax(p / "cpu.max"));
      if (p == fs::path(cgroup_root) || !p.has_relative_path() || p == p.parent_path()) break;
    }
  }
  keep(quotaFromCpuMax(fs::path(cgroup_root) / "cpu.max"));
  for (const char* v1 : {"cpu", "cpu,cpuacct", "cpuacct,cpu"})
    keep(quotaFromCfs(fs::path(cgroup_root) / v1));
  return smallest;
}

std::vector<int> affinityCpuList() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) cpus.push_back(c);
  return cpus;
}

const CpuBudget& processCpuBudget() {
  static const CpuBudget budget = cpuBudget(currentCpuFacts());
  return budget;
}

CpuFacts currentCpuFacts() {
  CpuFacts facts;
  const std::vector<int> mask = affinityCpuList();
  facts.affinity_cpus = !mask.empty() ? static_cast<int>(mask.size())
                                      : static_cast<int>(std::thread::hardware_concurrency());
  if (facts.affinity_cpus <= 0) facts.affinity_cpus = 1;
  std::ifstream in("/proc/self/cgroup");
  std::stringstream text;
  text << in.rdbuf();
  facts.cgroup_quota = cgroupCpuQuota(text.str(), "/sys/fs/cgroup");
  facts.env = [](const char* name) -> const char* { return std::getenv(name); };
  return facts;
}

CpuBudget cpuBudget(const CpuFacts& facts) {
  CpuBudget b{std::max(facts.affinity_cpus, 1), "the CPU affinity mask"};
  auto lower = [&](int cpus, const std::string& source) {
    if (cpus < b.cpus) b = {cpus, source};
  };
  if (facts.cgroup_quota)
    lower(std::max(1, static_cast<int>(std::ceil(*facts.cgroup_quota - 1e-9))),
          "the cgroup's CPU quota");
  const auto omp = positiveVariable(facts, "OMP_NUM_THREADS");
  const auto slurm = positiveVariable(facts, "SLURM_CPUS_PER_TASK");
  if (omp) lower(*omp, "OMP_NUM_THREADS");
  if (slurm) lower(*slurm, "SLURM_CPUS_PER_TASK");
  if (!omp && !slurm) {
    const auto local = positiveVariable(facts, "LOCAL_WORLD_SIZE");
    const auto tasks = positiveVariable(facts, "SLURM_NTASKS_PER_NODE");
    if (const int ranks = std::max(local.value_or(1), tasks.value_or(1)); ranks > 1)
      lower(std::max(1, b.cpus / ranks),
            b.source + " shared among " + std::to_string(ranks) + " local ranks");
  }
  return b;
}

}  // namespace morphaeus
