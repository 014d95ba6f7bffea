// `morphaeus bench` through the real executable: a train step from the same weights and images as
// the PyTorch reference of scripts/bench_vs_pytorch.sh (scripts/bench_reference.py, the authors'
// way) reports the same first-step loss, and --json/--profile write what they promise.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace morphaeus::test {
namespace {
namespace fs = std::filesystem;

TEST(BenchCli, TrainStepLossEqualsThePyTorchReferenceOnTheSameWeightsAndImages) {
  const std::string d = makeTempDir("bench");
  const std::string ref = "/usr/bin/python3 " + sourcePath("scripts/bench_reference.py");
  ASSERT_EQ(runCommand(ref + " prepare " + d + " --batches 2,1").exit_code, 0);
  CommandResult theirs = runCommand(ref + " train-step " + d + " --batch 2 --steps 1 --warmup 0");
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  const auto t = nlohmann::json::parse(theirs.out);

  CommandResult ours =
      runCommand("cd " + d + " && '" + MORPHAEUS_EXE + "' bench --what train-step --config " +
                 sourcePath("projects/morphaeus/configs/cxr/morphaeus.yaml") +
                 " --set trainer.params.vgg_weights=" + d +
                 "/vgg19_random.pth --weights weights.pt --inputs inputs_b2.pt --warp native "
                 "--steps 1 --warmup 0 "
                 "--json ours.json --profile trace.json");
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  const auto o = nlohmann::json::parse(readText(d + "/ours.json"));
  ASSERT_EQ(o["rows"].size(), 1u);
  EXPECT_EQ(o["rows"][0]["batch"], 2);
  EXPECT_NEAR(o["rows"][0]["loss"].get<double>(), t["loss"].get<double>(),
              1e-5 * std::abs(t["loss"].get<double>()));
  EXPECT_GT(o["peak_rss_mib"].get<double>(), 0.0);
  // The roofline: the step's FLOPs, its GFLOP/s and its share of the peak measured in the run.
  EXPECT_GT(o["peak"]["fp32_gflops"].get<double>(), 0.0);
  EXPECT_GT(o["rows"][0]["gflop"].get<double>(), 1.0);  // ~3 x 1.06 GFLOP x 2 images + VGG
  EXPECT_GT(o["rows"][0]["percent_of_peak"].get<double>(), 0.0);
  EXPECT_EQ(o["rows"][0]["precision"], "fp32");  // the paper config: no precision key
  EXPECT_NE(ours.out.find("machine peak"), std::string::npos) << ours.out;
  EXPECT_NE(ours.out.find("first step's loss"), std::string::npos) << ours.out;
  EXPECT_NE(readText(d + "/trace.json").find("aten::"), std::string::npos);  // a Chrome trace
}

TEST(BenchCli, InputsThatCannotTrainSayWhichFile) {
  const std::string d = makeTempDir("bench_bad");
  const std::string ref = "/usr/bin/python3 " + sourcePath("scripts/bench_reference.py");
  ASSERT_EQ(runCommand(ref + " prepare " + d + " --batches 1").exit_code, 0);
  writeText(d + "/junk.pt", "not a torch file");
  for (const char* file : {"inputs_b1.pt", "junk.pt"}) {
    CommandResult r =
        runCommand("cd " + d + " && '" + MORPHAEUS_EXE + "' bench --what train-step --inputs " +
                   file + " --steps 1 --warmup 0");
    EXPECT_EQ(r.exit_code, 1) << file;
    EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace morphaeus::test
