// Data-parallel training through the real executable, 2 Gloo ranks on the CPU (issue: c10d
// data parallelism): the ranks hold identical weights, which equal a single process trained with
// the same global batch (BatchNorm synchronised; float64 so that float32 summation order cannot
// hide or fake a difference), also across a resume from a single-process checkpoint into 2
// ranks; evaluation equals the single-process one; killing a rank ends the other with a clear
// error within the timeout; sharded evaluation writes the single process's report byte for byte.
#include <gtest/gtest.h>
#include <sched.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/cpu_budget.h"
#include "core/checkpoint/checkpoint.h"
#include "tests/test_support.h"

namespace morphaeus::test {
namespace {
namespace fs = std::filesystem;

// 8 training images (global batch 4: 2 per rank, two steps per epoch), epochs up to 12 so that
// the morphology stage (from epoch 11: deformer, NCC, regulariser) is trained too. Train mode
// (training_mode: train), where BatchNorm's batch statistics are synchronised; the default
// eval mode (running statistics, as upstream) is checked too.
std::string args(int epochs, const std::string& mode = "train") {
  return tinyDemoArgs(8, 4, 4) +
         " --threads 1 --set trainer.params.nr_epochs=" + std::to_string(epochs) +
         " --set trainer.params.sync_batchnorm=true --set trainer.params.training_mode=" + mode +
         " --set trainer.params.performance.precision=fp64" +
         " --set downstream_tasks.opacity.params.precision=fp32";
}

CommandResult launch2(const std::string& dir, const std::string& a) {
  const std::string exe = std::string("'") + MORPHAEUS_EXE + "'";
  return runCommand("cd " + dir + " && " + exe + " launch --nproc 2 -- " + exe + " " + a);
}

double maxDifference(const std::string& a, const std::string& b) {
  const Checkpoint ca = readCheckpoint(a), cb = readCheckpoint(b);
  EXPECT_EQ(ca.epoch, cb.epoch);
  EXPECT_EQ(ca.model_weights.size(), cb.model_weights.size());
  double worst = 0;
  for (std::size_t i = 0; i < ca.model_weights.size(); ++i) {
    const auto& [name, ta] = ca.model_weights[i];
    EXPECT_EQ(name, cb.model_weights[i].first);
    worst = std::max(worst, (ta.to(torch::kDouble) - cb.model_weights[i].second.to(torch::kDouble))
                                .abs()
                                .max()
                                .item<double>());
  }
  return worst;
}

nlohmann::json metricsOf(const std::string& run) {
  return readJson(run + "/eval/opacity/metrics.json");
}

TEST(DistributedCli, TwoGlooRanksTrainLikeOneProcessWithTheGlobalBatch) {
  const std::string d = makeTempDir("ddp");
  // Single process, 12 epochs straight; and 6 epochs (the resume point below).
  ASSERT_EQ(runMorphaeusIn(d, "--output single12" + args(12)).exit_code, 0);
  ASSERT_EQ(runMorphaeusIn(d, "--output single6" + args(6)).exit_code, 0);

  // Two ranks from scratch, 6 epochs.
  CommandResult two = launch2(d, "--output two6" + args(6));
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_NE(two.err.find("distributed: rank 0 of 2"), std::string::npos) << two.err;
  EXPECT_NE(two.err.find("weights identical on all 2 ranks after epoch 5"), std::string::npos);
  // The all-reduce overlaps the backward: buckets start while it runs (1 MiB first).
  std::smatch overlap;
  ASSERT_TRUE(std::regex_search(two.err, overlap,
                                std::regex("gradients averaged in ([0-9]+) bucket\\(s\\) of at "
                                           "most 25 MiB, ([0-9]+) of them all-reduced during the "
                                           "backward\n")))
      << two.err;
  EXPECT_GE(std::stoi(overlap[1]), 2);
  EXPECT_GE(std::stoi(overlap[2]), 1);
  const double from_scratch =
      maxDifference(d + "/two6/latest_model.pt", d + "/single6/latest_model.pt");
  EXPECT_LE(from_scratch, 1e-5);

  // Resumed from the single process's checkpoint with 2 ranks, to epoch 12.
  CommandResult resumed = launch2(d, "--output two12 --resume single6/latest_model.pt" + args(12));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("weights identical on all 2 ranks after epoch 11"), std::string::npos);
  const double after_resume =
      maxDifference(d + "/two12/latest_model.pt", d + "/single12/latest_model.pt");
  EXPECT_LE(after_resume, 1e-5);
  std::printf("max |w_2 ranks - w_1 process|: %.3g (6 epochs), %.3g (resumed to 12)\n",
              from_scratch, after_resume);

  // Only rank 0 wrote: one log, one metrics file; the evaluation equals the single process's.
  EXPECT_TRUE(fs::exists(d + "/two12/run.log"));
  const auto a = metricsOf(d + "/two12"), b = metricsOf(d + "/single12");
  const auto &ra = a["datasets"]["Opacity_synthetic"], &rb = b["datasets"]["Opacity_synthetic"];
  // The weights agree to ~1e-7 (float64 training); evaluation runs in float32.
  for (const char* k : {"auroc", "auprc", "fpr_at_tpr95"}) {  // rankings: identical
    EXPECT_EQ(ra[k].get<double>(), rb[k].get<double>()) << k;
  }
  for (const char* k : {"pixel_auroc", "score_mean", "ssim_mean", "l1_mean"}) {
    EXPECT_NEAR(ra[k].get<double>(), rb[k].get<double>(), 1e-6) << k;
  }

  // Eval-mode training (the default, as upstream): the same equality.
  ASSERT_EQ(runMorphaeusIn(d, "--output single_eval" + args(6, "eval")).exit_code, 0);
  CommandResult two_eval = launch2(d, "--output two_eval" + args(6, "eval"));
  ASSERT_EQ(two_eval.exit_code, 0) << two_eval.err;
  const double eval_mode =
      maxDifference(d + "/two_eval/latest_model.pt", d + "/single_eval/latest_model.pt");
  EXPECT_LE(eval_mode, 1e-5);
  std::printf("eval-mode training: max |w_2 ranks - w_1 process| %.3g (6 epochs)\n", eval_mode);

  // Sharded evaluation (odd image counts: 5 + 5 over 2 ranks) of the same weights: the gathered
  // report is the single process's, to the byte, at the same threads per process (a reduction
  // split over 2 threads rounds differently from one over 1).
  const std::string eval = " --task test --threads 1 --weights two12/best_model.pt" +
                           tinyDemoArgs(8, 5, 4) +
                           " --set downstream_tasks.opacity.params.save_maps=true";
  ASSERT_EQ(runMorphaeusIn(d, "--output eval1" + eval).exit_code, 0);
  CommandResult sharded = launch2(d, "--output eval2" + eval);
  ASSERT_EQ(sharded.exit_code, 0) << sharded.err;
  for (const char* f : {"metrics.json", "scores.csv", "table.md"}) {
    EXPECT_EQ(readText(d + "/eval1/eval/opacity/" + f), readText(d + "/eval2/eval/opacity/" + f))
        << f;
  }
  EXPECT_EQ(
      runCommand("diff -r " + d + "/eval1/eval/opacity/maps " + d + "/eval2/eval/opacity/maps")
          .exit_code,
      0);
}

// The all-reduce after the backward instead of during it, and smaller buckets: the same sums of
// the same gradients (an elementwise sum over 2 ranks does not depend on the buckets), so the
// same weights, bit for bit; the log says what was chosen.
TEST(DistributedCli, AllReduceAfterTheBackwardAndOtherBucketsTrainAlike) {
  const std::string d = makeTempDir("ddpbuckets");
  const std::string a = tinyDemoArgs(8, 2, 4) + " --threads 1 --set trainer.params.nr_epochs=2";
  CommandResult overlapped = launch2(d, "--output overlapped" + a);
  ASSERT_EQ(overlapped.exit_code, 0) << overlapped.err;
  CommandResult after = launch2(d, "--output after" + a +
                                       " --set trainer.params.allreduce_during_backward=false"
                                       " --set trainer.params.bucket_cap_mb=0.25");
  ASSERT_EQ(after.exit_code, 0) << after.err;
  std::smatch o, f;
  ASSERT_TRUE(std::regex_search(overlapped.err, o,
                                std::regex("gradients averaged in ([0-9]+) bucket\\(s\\) of at "
                                           "most 25 MiB, ([0-9]+) of them all-reduced during")))
      << overlapped.err;
  ASSERT_TRUE(std::regex_search(
      after.err, f,
      std::regex("gradients averaged in ([0-9]+) bucket\\(s\\) of at most 0.25 MiB, 0 of them "
                 "all-reduced during the backward \\(allreduce_during_backward: false\\)")))
      << after.err;
  EXPECT_GE(std::stoi(o[2]), 1);
  EXPECT_GT(std::stoi(f[1]), std::stoi(o[1]));
  const Checkpoint x = readCheckpoint(d + "/overlapped/latest_model.pt");
  const Checkpoint y = readCheckpoint(d + "/after/latest_model.pt");
  ASSERT_EQ(x.model_weights.size(), y.model_weights.size());
  for (std::size_t i = 0; i < x.model_weights.size(); ++i)
    EXPECT_TRUE(x.model_weights[i].second.equal(y.model_weights[i].second))
        << x.model_weights[i].first;
}

TEST(DistributedCli, KillingOneRankEndsTheOtherWithAClearError) {
  const std::string d = makeTempDir("ddpkill");
  const std::string port = std::to_string(29000 + ::getpid() % 2000);
  const std::string env = "WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=" + port;
  const std::string a = "--output run --dist-timeout 20" + tinyDemoArgs(16, 4, 8) +
                        " --set trainer.params.nr_epochs=200";
  startInBackground(d, a, env + " RANK=0", "r0.");
  const std::string pid1 = startInBackground(d, a, env + " RANK=1", "r1.");
  ASSERT_TRUE(waitFor([&] { return fs::exists(d + "/run/latest_model.pt"); }, 120))
      << readText(d + "/r0.bg.err");
  ASSERT_EQ(std::system(("kill -9 " + pid1).c_str()), 0);
  ASSERT_TRUE(
      waitFor([&] { return fs::exists(d + "/r0.rc") && !readText(d + "/r0.rc").empty(); }, 60))
      << "rank 0 still running 60 s after rank 1 was killed";
  EXPECT_NE(readText(d + "/r0.rc"), "0\n");
  const std::string err = readText(d + "/r0.bg.err");
  EXPECT_NE(err.find("[rank 0] error: rank 0/2:"), std::string::npos) << err;
  EXPECT_NE(err.find("another rank stopped, died or did not answer"), std::string::npos) << err;
}

TEST(DistributedCli, GlobalBatchMustDivideAmongTheRanks) {
  const std::string d = makeTempDir("ddpbatch");
  CommandResult r = launch2(d, "--output run" + tinyDemoArgs(16, 4, 5));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("batch_size 5 is not divisible by the world size 2"), std::string::npos)
      << r.err;
}

// The pid of the launcher's child that runs rank `rank` (its RANK variable), or "".
std::string rankPid(std::string launcher_pid, int rank) {
  launcher_pid.erase(launcher_pid.find_last_not_of(" \n") + 1);
  const CommandResult children = runCommand("pgrep -P " + launcher_pid);
  std::istringstream pids(children.out);
  const std::string wanted = "RANK=" + std::to_string(rank);
  for (std::string pid; pids >> pid;) {
    std::ifstream in("/proc/" + pid + "/environ", std::ios::binary);
    for (std::string variable; std::getline(in, variable, '\0');)
      if (variable == wanted) return pid;
  }
  return "";
}

std::size_t lines(const std::string& path) {
  const std::string text = fs::exists(path) ? readText(path) : std::string();
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// `launch --max-restarts 1`: rank 1 killed in epoch 2 of 6; the launcher stops rank 0 and starts
// both again, which continue from the run directory's latest_model.pt (TORCHELASTIC_RESTART_COUNT
// 1) and end with the uninterrupted run's weights, bit for bit (deterministic, CPU). Without
// restarts the same failure is the launcher's exit code; a restart needs a run directory.
TEST(DistributedCli, LaunchRestartsAllRanksFromTheLatestCheckpoint) {
  const std::string d = makeTempDir("ddprestart");
  const std::string exe = std::string("'") + MORPHAEUS_EXE + "'";
  const std::string a =
      tinyDemoArgs(16, 4, 4) + " --threads 1 --deterministic --set trainer.params.nr_epochs=6";
  ASSERT_EQ(launch2(d, "--output straight" + a).exit_code, 0);

  for (const int restarts : {1, 0}) {
    const std::string out = "failed" + std::to_string(restarts), tag = out + ".";
    const std::string launcher =
        startInBackground(d,
                          "launch --nproc 2 --max-restarts " + std::to_string(restarts) + " -- " +
                              exe + " --output " + out + a,
                          "", tag);
    ASSERT_TRUE(waitFor([&] { return lines(d + "/" + out + "/metrics.jsonl") >= 2; }, 120))
        << readText(d + "/" + tag + "bg.err");
    const std::string rank1 = rankPid(launcher, 1);
    ASSERT_FALSE(rank1.empty());
    ASSERT_EQ(std::system(("kill -9 " + rank1).c_str()), 0);
    ASSERT_TRUE(waitFor(
        [&] { return fs::exists(d + "/" + tag + "rc") && !readText(d + "/" + tag + "rc").empty(); },
        180));
    const std::string err = readText(d + "/" + tag + "bg.err");
    EXPECT_NE(err.find("launch: rank 1 exited with code 137; stopping the other ranks"),
              std::string::npos)
        << err;
    if (restarts == 0) {
      EXPECT_EQ(readText(d + "/" + tag + "rc"), "137\n") << err;
      EXPECT_EQ(err.find("restart 1"), std::string::npos) << err;
      continue;
    }
    ASSERT_EQ(readText(d + "/" + tag + "rc"), "0\n") << err;
    EXPECT_NE(err.find("launch: restart 1 of 1: starting all 2 ranks again"), std::string::npos)
        << err;
    EXPECT_NE(err.find("restart 1: continuing from " + fs::canonical(d).string() + "/" + out +
                       "/latest_model.pt"),
              std::string::npos)
        << err;
    const Checkpoint straight = readCheckpoint(d + "/straight/latest_model.pt");
    const Checkpoint restarted = readCheckpoint(d + "/" + out + "/latest_model.pt");
    EXPECT_EQ(straight.epoch, restarted.epoch);
    ASSERT_EQ(straight.model_weights.size(), restarted.model_weights.size());
    for (std::size_t i = 0; i < straight.model_weights.size(); ++i) {
      EXPECT_TRUE(straight.model_weights[i].second.equal(restarted.model_weights[i].second))
          << straight.model_weights[i].first;
    }
    EXPECT_EQ(lines(d + "/" + out + "/metrics.jsonl"), 6u);  // one row per epoch, none twice
  }

  // A restarted rank needs its run directory; a malformed count is named.
  CommandResult r = runCommand("cd " + d + " && TORCHELASTIC_RESTART_COUNT=1 " + exe + a);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("error: TORCHELASTIC_RESTART_COUNT=1: a restarted run continues from its "
                       "run directory's latest_model.pt"),
            std::string::npos)
      << r.err;
  r = runCommand("cd " + d + " && TORCHELASTIC_RESTART_COUNT=x " + exe + " --output y" + a);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("TORCHELASTIC_RESTART_COUNT='x' is not an integer"), std::string::npos)
      << r.err;
}

// Each rank's threads are its share of the launcher's CPUs (the log says why); --bind cores pins
// each rank to its own CPUs, and more ranks than CPUs stops before any rank starts.
TEST(DistributedCli, RanksShareTheCpusAndBindToTheirOwn) {
  const std::string d = makeTempDir("ddpthreads");
  const std::string exe = std::string("'") + MORPHAEUS_EXE + "'";
  const std::string demo = tinyDemoArgs(8, 2, 4) + " --set trainer.params.nr_epochs=1";
  CommandResult r = runCommand("cd " + d + " && taskset -c 0 " + exe +
                               " launch --nproc 2 --bind cores -- " + exe + demo + " --output x");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("error: launch --bind cores: 2 ranks for the 1 CPU(s)"), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(d + "/x"));
  // Two CPUs this test may use, whatever their numbers.
  const std::vector<int> cpus = affinityCpuList();
  if (cpus.size() < 2) GTEST_SKIP() << "one CPU";
  const std::string a = std::to_string(cpus[0]), b = std::to_string(cpus[1]);
  const std::string two = "taskset -c " + a + "," + b + " ";
  r = runCommand("cd " + d + " && " + two + exe + " launch --nproc 2 -- " + exe + demo +
                 " --output shared");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string shared = readText(d + "/shared/run.log");
  EXPECT_NE(shared.find("1 thread(s) ("), std::string::npos) << shared;
  EXPECT_NE(shared.find("shared among 2 local ranks)"), std::string::npos) << shared;
  r = runCommand("cd " + d + " && " + two + exe + " launch --nproc 2 --bind cores -- " + exe +
                 demo + " --output bound");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("launch: rank 0 bound to CPU " + a + "-" + a), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("launch: rank 1 bound to CPU " + b + "-" + b), std::string::npos) << r.err;
  EXPECT_NE(readText(d + "/bound/run.log").find("1 thread(s) (the CPU affinity mask)"),
            std::string::npos)
      << readText(d + "/bound/run.log");
}

}  // namespace
}  // namespace morphaeus::test
