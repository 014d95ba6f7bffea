// Pieces of data-parallel training that need no second process: the DistributedSampler-style
// shards of an epoch's order, the torchrun/SLURM environment, and the Gloo device's address.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <stdexcept>

#include "core/distributed/distributed_options.h"
#include "core/distributed/local_address.h"
#include "data/batch_loader.h"

namespace morphaeus {
namespace {

TEST(DistributedShards, PaddedShardsAreEqualSizedAndCoverTheOrder) {
  const auto order = epochOrder(10, true, 7, 3);
  std::vector<std::size_t> seen;
  for (std::size_t r = 0; r < 3; ++r) {
    const auto shard = shardOf(order, r, 3, true);
    EXPECT_EQ(shard.size(), 4u);  // ceil(10 / 3)
    for (std::size_t i = 0; i < shard.size(); ++i)
      EXPECT_EQ(shard[i], [&] {
        const std::size_t k = r + 3 * i;  // torch's DistributedSampler: indices[rank::world]
        return order[k % order.size()];   // padded with the order's own first indices
      }());
    seen.insert(seen.end(), shard.begin(), shard.end());
  }
  std::sort(seen.begin(), seen.end());
  seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
  EXPECT_EQ(seen.size(), 10u);  // every image, the padding repeats two
}

TEST(DistributedShards, UnpaddedShardsPartitionTheOrder) {
  const auto order = epochOrder(11, false, 0, 0);
  std::vector<std::size_t> all;
  for (std::size_t r = 0; r < 4; ++r) {
    const auto shard = shardOf(order, r, 4, false);
    EXPECT_EQ(shard.size(), r < 3 ? 3u : 2u);
    all.insert(all.end(), shard.begin(), shard.end());
  }
  std::sort(all.begin(), all.end());
  std::vector<std::size_t> expected(11);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(all, expected);
  EXPECT_EQ(shardOf(order, 0, 1, true), order);
}

// Batch k of every rank together is the single process's batch k (global batch B, B / W each).
TEST(DistributedShards, RankBatchesMakeUpTheGlobalBatch) {
  const auto order = epochOrder(16, true, 2109, 1);
  const std::size_t world = 2, global = 8, local = global / world;
  for (std::size_t k = 0; k < 2; ++k) {
    std::vector<std::size_t> joined;
    for (std::size_t r = 0; r < world; ++r) {
      const auto shard = shardOf(order, r, world, true);
      joined.insert(joined.end(), shard.begin() + k * local, shard.begin() + (k + 1) * local);
    }
    std::vector<std::size_t> single(order.begin() + k * global, order.begin() + (k + 1) * global);
    std::sort(joined.begin(), joined.end());
    std::sort(single.begin(), single.end());
    EXPECT_EQ(joined, single) << "batch " << k;
  }
}

class DistributedEnvironment : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* v :
         {"RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT", "SLURM_PROCID",
          "SLURM_NTASKS", "SLURM_LOCALID", "TORCHELASTIC_RESTART_COUNT", "SLURM_RESTART_COUNT"})
      ::unsetenv(v);
  }
};

TEST_F(DistributedEnvironment, TorchrunVariablesThenFlags) {
  EXPECT_FALSE(distributedOptions({}).enabled());
  ::setenv("RANK", "1", 1);
  ::setenv("WORLD_SIZE", "4", 1);
  ::setenv("LOCAL_RANK", "1", 1);
  ::setenv("MASTER_ADDR", "node7", 1);
  ::setenv("MASTER_PORT", "29555", 1);
  DistributedOptions o = distributedOptions({});
  EXPECT_TRUE(o.enabled());
  EXPECT_EQ(o.rank, 1);
  EXPECT_EQ(o.world_size, 4);
  EXPECT_EQ(o.local_rank, 1);
  EXPECT_EQ(o.master_addr, "node7");
  EXPECT_EQ(o.master_port, 29555);
  DistributedFlags f;
  f.rank = 3;
  f.master_port = 30000;
  o = distributedOptions(f);
  EXPECT_EQ(o.rank, 3);
  EXPECT_EQ(o.master_port, 30000);
}

TEST_F(DistributedEnvironment, SlurmVariablesWhenTorchrunsAreAbsent) {
  ::setenv("SLURM_PROCID", "2", 1);
  ::setenv("SLURM_NTASKS", "3", 1);
  ::setenv("SLURM_LOCALID", "0", 1);
  const DistributedOptions o = distributedOptions({});
  EXPECT_EQ(o.rank, 2);
  EXPECT_EQ(o.world_size, 3);
  EXPECT_EQ(o.local_rank, 0);
}

TEST_F(DistributedEnvironment, BadValuesNameTheVariable) {
  ::setenv("WORLD_SIZE", "two", 1);
  try {
    distributedOptions({});
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("WORLD_SIZE='two'"), std::string::npos) << e.what();
  }
  ::setenv("WORLD_SIZE", "2", 1);
  ::setenv("RANK", "2", 1);
  EXPECT_THROW(distributedOptions({}), std::invalid_argument);  // rank outside [0, 2)
}

// torchrun's restart count (also set by `morphaeus launch --max-restarts`), else SLURM's (a
// requeued job) where torchrun's variables are absent.
TEST_F(DistributedEnvironment, RestartCountFromTorchrunsOrSlurmsVariable) {
  EXPECT_EQ(distributedOptions({}).restart, 0);
  ::setenv("SLURM_RESTART_COUNT", "3", 1);
  EXPECT_EQ(distributedOptions({}).restart, 3);
  EXPECT_EQ(distributedOptions({}).restart_variable, "SLURM_RESTART_COUNT");
  ::setenv("TORCHELASTIC_RESTART_COUNT", "2", 1);
  EXPECT_EQ(distributedOptions({}).restart, 2);
  EXPECT_EQ(distributedOptions({}).restart_variable, "TORCHELASTIC_RESTART_COUNT");
  ::setenv("TORCHELASTIC_RESTART_COUNT", "-1", 1);
  EXPECT_THROW(distributedOptions({}), std::invalid_argument);
  ::setenv("TORCHELASTIC_RESTART_COUNT", "1x", 1);
  try {
    distributedOptions({});
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("TORCHELASTIC_RESTART_COUNT='1x'"), std::string::npos)
        << e.what();
  }
}

// The Gloo device's address: the kernel's choice of source address toward the rendezvous host
// (compared with `ip route get`, which asks the kernel the same question), and one line naming
// a host that does not resolve.
TEST(LocalAddress, TheRoutesSourceAddressTowardTheHost) {
  EXPECT_EQ(localAddressToward("127.0.0.1", 29500), "127.0.0.1");
  const std::string loopback = localAddressToward("localhost", 29500);
  EXPECT_TRUE(loopback == "::1" || loopback.rfind("127.", 0) == 0) << loopback;
  // Toward a public address (no packet is sent): iproute2's answer, where there is a route.
  FILE* p = ::popen(
      "ip -4 route get 192.0.2.1 2>/dev/null | sed -n 's/.* src \\([0-9.]*\\).*/\\1/p'", "r");
  ASSERT_NE(p, nullptr);
  char line[128] = {0};
  const bool routed = std::fgets(line, sizeof(line), p) != nullptr;
  ::pclose(p);
  if (routed) {
    std::string expected(line);
    expected.erase(expected.find_last_not_of("\n") + 1);
    EXPECT_EQ(localAddressToward("192.0.2.1", 29500), expected);
  }
  try {
    localAddressToward("no-such-host.invalid", 29500);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot resolve 'no-such-host.invalid'"),
              std::string::npos)
        << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace morphaeus
