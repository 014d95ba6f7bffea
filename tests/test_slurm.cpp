// Under a real SLURM (issue: beyond one machine): a one-node cluster from Debian's slurm-wlm and
// munge, started by tests/slurm_one_node.sh (root; CI starts it, and each test makes sure it
// runs). `srun -n 2` training equals one process; a 2-method x 1-seed sweep through `--launcher
// slurm` writes the local sweep's tables byte for byte; a task cancelled with scancel is named,
// the finished runs' tables are written, and the same command run again finishes it; sbatch's
// own refusal of the user's options is shown.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <stdexcept>
#include <string>

#include "core/checkpoint/checkpoint.h"
#include "tests/test_support.h"

namespace morphaeus::test {
namespace {
namespace fs = std::filesystem;

class Slurm : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const CommandResult r = runCommand(sourcePath("tests/slurm_one_node.sh") + " start");
    if (r.exit_code == 77) {
      why_not_ = r.err;
      return;
    }
    if (r.exit_code != 0) throw std::runtime_error("the one-node SLURM did not start: " + r.err);
    std::string conf = r.out;
    conf.erase(conf.find_last_not_of("\n ") + 1);
    ::setenv("SLURM_CONF", conf.c_str(), 1);
    ::setenv("MORPHAEUS_SLURM_POLL_S", "1", 1);
  }
  void SetUp() override {
    if (!why_not_.empty()) GTEST_SKIP() << why_not_;
  }
  static std::string why_not_;
};
std::string Slurm::why_not_;

std::string exe() {
  return std::string("'") + MORPHAEUS_EXE + "'";
}

// Two method twins (AE-S, VAE) of configs/ in <d>/configs, for `reproduce --synthetic`.
void twoMethods(const std::string& d) {
  fs::create_directories(d + "/configs");
  for (const char* m : {"ae-s", "vae"})
    fs::copy_file(sourcePath(std::string("configs/") + m + ".yaml"), d + "/configs/" + m + ".yaml");
}

std::string sweep(const std::string& d, const std::string& options, int epochs = 1) {
  return "cd " + d + " && " + exe() + " reproduce --synthetic --seeds 1 --threads 1 --epochs " +
         std::to_string(epochs) + " " + options + tinyDemoArgs(16, 6, 8);
}

TEST_F(Slurm, SrunTwoTasksTrainLikeOneProcess) {
  const std::string d = makeTempDir("slurm_srun");
  const std::string a = tinyDemoArgs(8, 4, 4) +
                        " --set trainer.params.nr_epochs=4"
                        " --set trainer.params.sync_batchnorm=true"
                        " --set trainer.params.training_mode=train"
                        " --set trainer.params.performance.precision=fp64";
  ASSERT_EQ(runMorphaeusIn(d, "--output single --threads 1" + a).exit_code, 0);
  const std::string port = std::to_string(33000 + ::getpid() % 2000);
  CommandResult two = runCommand("cd " + d + " && MASTER_ADDR=127.0.0.1 MASTER_PORT=" + port +
                                 " srun -n 2 -c 1 " + exe() + " --output two" + a);
  ASSERT_EQ(two.exit_code, 0) << two.err << two.out;
  // srun passes the ranks' output on; each rank's threads are its SLURM_CPUS_PER_TASK.
  EXPECT_NE(two.err.find("distributed: rank 0 of 2"), std::string::npos) << two.err;
  EXPECT_NE(two.err.find("1 thread(s) (SLURM_CPUS_PER_TASK)"), std::string::npos) << two.err;
  const Checkpoint x = readCheckpoint(d + "/single/latest_model.pt");
  const Checkpoint y = readCheckpoint(d + "/two/latest_model.pt");
  ASSERT_EQ(x.model_weights.size(), y.model_weights.size());
  double worst = 0;
  for (std::size_t i = 0; i < x.model_weights.size(); ++i) {
    worst = std::max(worst, (x.model_weights[i].second.to(torch::kDouble) -
                             y.model_weights[i].second.to(torch::kDouble))
                                .abs()
                                .max()
                                .item<double>());
  }
  EXPECT_LE(worst, 1e-6);
  std::printf("max |w_srun -n 2 - w_1 process|: %.3g (4 epochs, float64)\n", worst);
}

TEST_F(Slurm, SweepAsAJobArrayWritesTheLocalSweepsTables) {
  const std::string d = makeTempDir("slurm_sweep");
  twoMethods(d);
  CommandResult local = runCommand(sweep(d, "--output local"));
  ASSERT_EQ(local.exit_code, 0) << local.err;
  CommandResult array =
      runCommand(sweep(d, "--output array --launcher slurm --sbatch '--cpus-per-task 1'"));
  ASSERT_EQ(array.exit_code, 0) << array.err;
  EXPECT_TRUE(std::regex_search(array.err, std::regex("submitted SLURM job [0-9]+: 2 run\\(s\\)")))
      << array.err;
  EXPECT_NE(array.err.find("2 of 2 runs finished"), std::string::npos) << array.err;
  EXPECT_NE(array.err.find("2 run(s) done, 0 skipped"), std::string::npos) << array.err;
  for (const char* f : {"table.csv", "table_stats.csv", "table_seeds.csv"}) {
    EXPECT_EQ(readText(d + "/array/" + f), readText(d + "/local/" + f)) << f;
  }
  // Each run was an array task: its output file names the run.
  bool found = false;
  for (const auto& e : fs::directory_iterator(d + "/array/slurm"))
    found = found ||
            (e.path().extension() == ".out" &&
             readText(e.path().string()).find("AE-S seed 2109: SLURM task") != std::string::npos);
  EXPECT_TRUE(found);

  // Again: nothing is submitted.
  CommandResult again =
      runCommand(sweep(d, "--output array --launcher slurm --sbatch '--cpus-per-task 1'"));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.err.find("submitted"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("0 run(s) done, 2 skipped"), std::string::npos) << again.err;
}

TEST_F(Slurm, ACancelledTaskIsNamedAndTheSameCommandFinishesIt) {
  const std::string d = makeTempDir("slurm_cancel");
  twoMethods(d);
  // --no-wait: submitted, the command returns; VAE's task is cancelled once it trains.
  const std::string options = "--output s --launcher slurm --sbatch '--cpus-per-task 1'";
  CommandResult submitted = runCommand(sweep(d, options + " --no-wait", 40));
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  EXPECT_NE(submitted.err.find("2 run(s) queued or running; run the same command again"),
            std::string::npos)
      << submitted.err;
  EXPECT_FALSE(fs::exists(d + "/s/table.csv"));
  std::smatch job;
  ASSERT_TRUE(std::regex_search(submitted.err, job, std::regex("submitted SLURM job ([0-9]+)")));
  const std::string vae = d + "/s/vae/seed-2109";
  ASSERT_TRUE(waitFor([&] { return fs::exists(vae + "/latest_model.pt"); }, 180))
      << runCommand("squeue").out;
  ASSERT_EQ(runCommand("scancel " + job[1].str() + "_1").exit_code, 0);

  // Collected: AE-S finished, VAE named with its log, tables of what finished, exit code 1.
  CommandResult collected = runCommand(sweep(d, options, 40));
  EXPECT_EQ(collected.exit_code, 1) << collected.err;
  EXPECT_NE(collected.err.find("still queued or running as SLURM task"), std::string::npos)
      << collected.err;
  EXPECT_NE(collected.err.find("VAE seed 2109: SLURM task " + job[1].str() +
                               "_1 ended without finishing the run; see " +
                               fs::canonical(d).string() + "/s/slurm/" + job[1].str() + "_1.out"),
            std::string::npos)
      << collected.err;
  EXPECT_NE(collected.err.find("1 failed"), std::string::npos) << collected.err;
  EXPECT_TRUE(fs::exists(d + "/s/table.csv"));
  EXPECT_NE(readText(d + "/s/table.csv").find("AE-S"), std::string::npos);

  // The same command again: only VAE is submitted, and it continues from its checkpoint.
  CommandResult finished = runCommand(sweep(d, options, 40));
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  EXPECT_NE(finished.err.find("VAE seed 2109: resuming from " + fs::canonical(vae).string()),
            std::string::npos)
      << finished.err;
  EXPECT_TRUE(
      std::regex_search(finished.err, std::regex("submitted SLURM job [0-9]+: 1 run\\(s\\)")))
      << finished.err;
  EXPECT_NE(finished.err.find("1 run(s) done, 1 skipped"), std::string::npos) << finished.err;
  EXPECT_NE(readText(d + "/s/table.csv").find("VAE"), std::string::npos);
}

// A task SLURM requeues (preemption; here `scontrol requeue`) starts again and continues its run
// from its latest_model.pt; the command, waiting, counts it once it finished.
TEST_F(Slurm, ARequeuedTaskContinuesFromItsLatestCheckpoint) {
  const std::string d = makeTempDir("slurm_requeue");
  fs::create_directories(d + "/configs");
  fs::copy_file(sourcePath("configs/ae-s.yaml"), d + "/configs/ae-s.yaml");
  const std::string run = d + "/s/ae-s/seed-2109";
  const std::string waiting =
      sweep(d, "--output s --launcher slurm --sbatch '--cpus-per-task 1'", 30);
  ASSERT_EQ(
      std::system(
          ("(" + waiting + " > " + d + "/out 2> " + d + "/err; echo $? > " + d + "/rc) &").c_str()),
      0);
  ASSERT_TRUE(waitFor([&] { return fs::exists(run + "/latest_model.pt"); }, 180))
      << readText(d + "/err");
  std::smatch job;
  const std::string err = readText(d + "/err");
  ASSERT_TRUE(std::regex_search(err, job, std::regex("submitted SLURM job ([0-9]+)"))) << err;
  const CommandResult requeued = runCommand("scontrol requeue " + job[1].str() + "_0");
  ASSERT_EQ(requeued.exit_code, 0) << requeued.err;
  ASSERT_TRUE(waitFor([&] { return fs::exists(d + "/rc") && !readText(d + "/rc").empty(); }, 600))
      << readText(d + "/err");
  EXPECT_EQ(readText(d + "/rc"), "0\n") << readText(d + "/err");
  const std::string task_log = readText(d + "/s/slurm/" + job[1].str() + "_0.out");
  EXPECT_NE(task_log.find("continuing from " + fs::canonical(run).string() + "/latest_model.pt"),
            std::string::npos)
      << task_log;
  EXPECT_NE(readText(d + "/err").find("1 run(s) done, 0 skipped"), std::string::npos)
      << readText(d + "/err");
}

TEST_F(Slurm, SbatchRefusingTheUsersOptionsIsShown) {
  const std::string d = makeTempDir("slurm_refused");
  twoMethods(d);
  CommandResult r =
      runCommand(sweep(d, "--output s --launcher slurm --sbatch '--partition no-such-partition'"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(
      r.err.find("error: morphaeus reproduce: sbatch refused the job array (exit code 1): sbatch: "
                 "error: "),
      std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("nvalid partition"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace morphaeus::test
