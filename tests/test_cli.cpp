// End-to-end tests of the real executable: exit codes, error lines, dry runs, run directories.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "tests/test_support.h"

namespace morphaeus::test {
namespace {
namespace fs = std::filesystem;

const std::string kPaperConfig = sourcePath("projects/morphaeus/configs/cxr/morphaeus.yaml");

TEST(Cli, VersionAndHelpExitZero) {
  CommandResult v = runMorphaeus("--version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("morphaeus "), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("LibTorch "), std::string::npos) << v.out;
  CommandResult h = runMorphaeus("--help");
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("--dry-run"), std::string::npos);
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(runMorphaeus("--no-such-flag").exit_code, 2);
  EXPECT_EQ(runMorphaeus("--task fly --dry-run").exit_code, 2);
  EXPECT_EQ(runMorphaeus("--threads -3 --dry-run").exit_code, 2);
}

// The threads come from what the process may use (core/base/cpu_budget.h), each run logging the
// number and its source; a malformed variable stops the run before it writes anything.
TEST(Cli, ThreadsFollowTheCpusTheProcessMayUse) {
  const std::string d = makeTempDir("threads");
  const std::string run = tinyDemoArgs(8, 2, 4) + " --set trainer.params.nr_epochs=1";
  auto logOf = [&](const std::string& env, const std::string& out, const std::string& extra = "") {
    const CommandResult r = runCommand("cd " + d + " && " + env + " '" + MORPHAEUS_EXE + "' " +
                                       run + extra + " --output " + out);
    EXPECT_EQ(r.exit_code, 0) << env << "\n" << r.err;
    return r.err;
  };
  const std::string pinned = logOf("taskset -c 0", d + "/pinned");
  EXPECT_NE(pinned.find("1 thread(s) (the CPU affinity mask)"), std::string::npos) << pinned;
  const std::string omp = logOf("OMP_NUM_THREADS=1", d + "/omp");
  EXPECT_NE(omp.find("1 thread(s) ("), std::string::npos) << omp;
  if (runCommand("test $(nproc) -gt 1").exit_code == 0) {
    EXPECT_NE(omp.find("1 thread(s) (OMP_NUM_THREADS)"), std::string::npos) << omp;
  }
  // More threads than CPUs: a warning naming both, then the run.
  const std::string many = logOf("taskset -c 0", d + "/many", " --threads 3");
  EXPECT_NE(many.find("3 threads requested, more than the 1 CPU(s) this process may use (the "
                      "CPU affinity mask)"),
            std::string::npos)
      << many;
  EXPECT_NE(many.find("3 thread(s) (as requested)"), std::string::npos) << many;
  for (const char* bad : {"OMP_NUM_THREADS=abc", "SLURM_CPUS_PER_TASK=0"}) {
    SCOPED_TRACE(bad);
    const CommandResult r = runCommand("cd " + d + " && " + bad + " '" + MORPHAEUS_EXE + "' " +
                                       run + " --output " + d + "/bad");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    const std::string var = std::string(bad).substr(0, std::string(bad).find('='));
    EXPECT_NE(r.err.find("error: environment variable " + var + "=\""), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("not a positive integer"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(d + "/bad"));
  }
}

TEST(Cli, PaperConfigPassesDryRun) {
  CommandResult r = runMorphaeus("--config '" + kPaperConfig + "' --dry-run");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("model_zoo.morphaeus/MorphAEus"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("projects.23_morphaeus.MorphTrainer/PTrainer"), std::string::npos);
  EXPECT_NE(r.out.find("projects.23_morphaeus.DownstreamEvaluator/PDownstreamEvaluator"),
            std::string::npos);
  EXPECT_NE(r.out.find("dataset Pneumonia (label 1)"), std::string::npos);
  EXPECT_NE(r.out.find("dataset Normal_RSNA (label 0)"), std::string::npos);
  EXPECT_NE(r.out.find("compute_fid"), std::string::npos);  // upstream's key, accepted
  // Relative CSV paths resolve against the config file's folder.
  EXPECT_NE(r.out.find(sourcePath("data/splits/cxr_normal_train.csv")), std::string::npos) << r.out;
}

TEST(Cli, UpstreamConfigFileLoadsUnchanged) {
  CommandResult r = runMorphaeus("--config '" + sourcePath("tests/data/upstream_morphaeus.yaml") +
                                 "' --dry-run");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(Cli, EmbeddedDemoAndDemoFileDryRun) {
  CommandResult embedded = runMorphaeus("--dry-run");
  ASSERT_EQ(embedded.exit_code, 0) << embedded.err;
  EXPECT_NE(embedded.out.find("<embedded demo>"), std::string::npos);
  CommandResult file = runMorphaeus("--config '" + sourcePath("configs/demo.yaml") + "' --dry-run");
  EXPECT_EQ(file.exit_code, 0) << file.err;
}

TEST(Cli, SetOverridesAreTypedAndShownInTheResolvedConfig) {
  CommandResult ok = runMorphaeus("--config '" + kPaperConfig +
                                  "' --dry-run --set trainer.params.nr_epochs=5 --seed 7");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("nr_epochs: 5"), std::string::npos);
  EXPECT_NE(ok.out.find("seed 7"), std::string::npos);

  CommandResult bad = runMorphaeus("--config '" + kPaperConfig +
                                   "' --dry-run --set trainer.params.nr_epochs=fast");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--set trainer.params.nr_epochs=fast: trainer.params.nr_epochs: "
                         "expected an integer like the value it replaces ("),
            std::string::npos)
      << bad.err;
}

TEST(Cli, ConfigErrorsExitTwoWithOneLineEach) {
  const std::string dir = makeTempDir("cli");
  std::string yaml = readText(kPaperConfig);
  const std::string from = "      lr: 5.0e-4";
  yaml.replace(yaml.find(from), from.size(), "      lr: fast");
  const std::string lr_line = std::to_string(
      std::count(yaml.begin(), yaml.begin() + static_cast<long>(yaml.find("lr: fast")), '\n') + 1);
  writeText(dir + "/bad.yaml", yaml);
  CommandResult r = runMorphaeus("--config " + dir + "/bad.yaml --dry-run");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, dir + "/bad.yaml:" + lr_line +
                       ":11: trainer.params.optimizer_params.lr: expected a number, got \"fast\"\n");

  writeText(dir + "/syntax.yaml", "name: [oops\n");
  CommandResult s = runMorphaeus("--config " + dir + "/syntax.yaml --dry-run");
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_EQ(s.err.rfind(dir + "/syntax.yaml:", 0), 0u) << s.err;

  CommandResult missing = runMorphaeus("--config " + dir + "/nope.yaml --dry-run");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, dir + "/nope.yaml: cannot read the configuration file\n");

  std::string unknown = readText(kPaperConfig);
  unknown.replace(unknown.find("model_zoo.morphaeus"), 19, "model_zoo.morpheus");
  writeText(dir + "/unknown.yaml", unknown);
  CommandResult u = runMorphaeus("--config " + dir + "/unknown.yaml --dry-run");
  EXPECT_EQ(u.exit_code, 2);
  EXPECT_NE(u.err.find("model: unknown model \"model_zoo.morpheus/MorphAEus\"; did you mean "
                       "\"model_zoo.morphaeus/MorphAEus\"?"),
            std::string::npos)
      << u.err;
}

TEST(Cli, RunCreatesRunDirectoryWithResolvedConfigAndLog) {
  const std::string dir = makeTempDir("run");
  // The paper's data is not on this machine: the run sets up its directory, then stops at the
  // first missing image with the CSV row that lists it.
  CommandResult r = runMorphaeus("--config '" + kPaperConfig + "' --output " + dir +
                                 "/out --threads 1 --device cpu");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // What the run was doing (with the config key), then the CSV row and the file.
  EXPECT_NE(r.err.find("error: reading the first batches of task pneumonia "
                       "(downstream_tasks.pneumonia at " +
                       kPaperConfig + ":"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(": " + sourcePath("data/splits/cxr_normal_test.csv") +
                       ":2: data/CXR/Normal/images/Normal-3771.png: image file not found"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(fs::exists(dir + "/out/config.yaml"));
  const std::string log = readText(dir + "/out/run.log");
  EXPECT_NE(log.find("device cpu, 1 thread(s) (as requested), seed 2109"), std::string::npos)
      << log;
  // The saved configuration is itself a valid config.
  CommandResult again = runMorphaeus("--config " + dir + "/out/config.yaml --dry-run");
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST(Cli, RuntimeFailureExitsOne) {
  // The run directory cannot be created below a regular file.
  const std::string dir = makeTempDir("fail");
  writeText(dir + "/file", "x");
  CommandResult r = runMorphaeus("--config '" + kPaperConfig + "' --output " + dir + "/file/sub");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot create the run directory"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace morphaeus::test
