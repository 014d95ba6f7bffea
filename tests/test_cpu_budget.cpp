// The threads a process may use (core/base/cpu_budget.h): the affinity mask, the cgroup's CPU
// quota (v1 and v2 files written here), OMP_NUM_THREADS, SLURM_CPUS_PER_TASK and a launcher's
// local ranks, each named as the source; malformed variables are one error naming them.
#include <gtest/gtest.h>

#include <algorithm>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

#include "core/base/cpu_budget.h"
#include "core/base/environment_error.h"

namespace morphaeus {
namespace {
namespace fs = std::filesystem;

struct Root {
  fs::path dir =
      fs::temp_directory_path() / ("cpu_budget_" + std::to_string(std::random_device{}()));
  Root() { fs::create_directories(dir); }
  ~Root() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((dir / rel).parent_path());
    std::ofstream(dir / rel) << text;
  }
};

CpuFacts facts(int affinity, std::optional<double> quota, std::map<std::string, std::string> env) {
  CpuFacts f;
  f.affinity_cpus = affinity;
  f.cgroup_quota = quota;
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(env));
  f.env = [shared](const char* name) -> const char* {
    const auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
  return f;
}

TEST(CpuBudget, CgroupQuotaFromV2AncestorsAndV1Files) {
  const Root r;
  const std::string root = r.dir.string();
  EXPECT_FALSE(cgroupCpuQuota("0::/user.slice/job\n", root));  // no files: no quota
  r.write("user.slice/job/cpu.max", "max 100000\n");
  EXPECT_FALSE(cgroupCpuQuota("0::/user.slice/job\n", root));
  r.write("user.slice/job/cpu.max", "150000 100000\n");
  EXPECT_DOUBLE_EQ(*cgroupCpuQuota("0::/user.slice/job\n", root), 1.5);
  r.write("user.slice/cpu.max", "50000 100000\n");  // a parent's smaller quota applies
  EXPECT_DOUBLE_EQ(*cgroupCpuQuota("1:name=systemd:/x\n0::/user.slice/job\n", root), 0.5);
  const Root v1;
  v1.write("cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
  v1.write("cpu,cpuacct/cpu.cfs_period_us", "100000\n");
  EXPECT_FALSE(cgroupCpuQuota("", v1.dir.string()));
  v1.write("cpu,cpuacct/cpu.cfs_quota_us", "400000\n");
  EXPECT_DOUBLE_EQ(*cgroupCpuQuota("", v1.dir.string()), 4.0);
}

TEST(CpuBudget, TheSmallestLimitDecidesAndIsNamed) {
  auto budget = [](const CpuFacts& f) {
    const CpuBudget b = cpuBudget(f);
    return std::to_string(b.cpus) + " " + b.source;
  };
  EXPECT_EQ(budget(facts(8, std::nullopt, {})), "8 the CPU affinity mask");
  EXPECT_EQ(budget(facts(8, 1.5, {})), "2 the cgroup's CPU quota");  // rounded up
  EXPECT_EQ(budget(facts(8, 0.2, {})), "1 the cgroup's CPU quota");
  EXPECT_EQ(budget(facts(8, 16.0, {})), "8 the CPU affinity mask");
  EXPECT_EQ(budget(facts(8, 4.0, {{"OMP_NUM_THREADS", "1"}})), "1 OMP_NUM_THREADS");
  EXPECT_EQ(budget(facts(8, std::nullopt, {{"OMP_NUM_THREADS", "16"}})), "8 the CPU affinity mask");
  EXPECT_EQ(budget(facts(8, std::nullopt, {{"SLURM_CPUS_PER_TASK", "3"}})),
            "3 SLURM_CPUS_PER_TASK");
  // A launcher's ranks share the node's CPUs, unless a variable already says each one's share.
  EXPECT_EQ(budget(facts(8, std::nullopt, {{"LOCAL_WORLD_SIZE", "2"}})),
            "4 the CPU affinity mask shared among 2 local ranks");
  EXPECT_EQ(budget(facts(8, 6.0, {{"SLURM_NTASKS_PER_NODE", "4"}})),
            "1 the cgroup's CPU quota shared among 4 local ranks");
  EXPECT_EQ(budget(facts(2, std::nullopt, {{"LOCAL_WORLD_SIZE", "4"}})),
            "1 the CPU affinity mask shared among 4 local ranks");
  EXPECT_EQ(budget(facts(8, std::nullopt, {{"LOCAL_WORLD_SIZE", "2"}, {"OMP_NUM_THREADS", "4"}})),
            "4 OMP_NUM_THREADS");
  EXPECT_EQ(budget(facts(8, std::nullopt, {{"OMP_NUM_THREADS", ""}})), "8 the CPU affinity mask");
}

TEST(CpuBudget, MalformedVariablesAreOneErrorNamingThem) {
  for (const char* var : {"OMP_NUM_THREADS", "SLURM_CPUS_PER_TASK", "LOCAL_WORLD_SIZE"}) {
    for (const char* value : {"abc", "0", "-2", "2x", "99999999999"}) {
      SCOPED_TRACE(std::string(var) + "=" + value);
      try {
        cpuBudget(facts(4, std::nullopt, {{var, value}}));
        ADD_FAILURE() << "no error";
      } catch (const EnvironmentError& e) {
        EXPECT_EQ(std::string(e.what()), std::string("environment variable ") + var + "=\"" +
                                             value + "\": not a positive integer");
      }
    }
  }
}

TEST(CpuBudget, ThisProcessHasAtLeastOneCpu) {
  const CpuFacts f = currentCpuFacts();
  EXPECT_GE(f.affinity_cpus, 1);
  // The mask's CPUs, in order, as many as it counts (`launch --bind cores` slices this list).
  const std::vector<int> cpus = affinityCpuList();
  EXPECT_EQ(static_cast<int>(cpus.size()), f.affinity_cpus);
  EXPECT_TRUE(std::is_sorted(cpus.begin(), cpus.end()));
  // The process's budget, computed once: the same object every time.
  EXPECT_EQ(&processCpuBudget(), &processCpuBudget());
  EXPECT_GE(processCpuBudget().cpus, 1);
  if (f.cgroup_quota) {
    EXPECT_GT(*f.cgroup_quota, 0.0);
  }
}

}  // namespace
}  // namespace morphaeus
