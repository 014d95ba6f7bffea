// Bad input through the real executable, one bad value at a time: refused at load time (exit 2)
// with "file:line:col: key.path: message" naming every key involved, before a run directory or
// any data exists; errors found later name what the run was doing and the key or file; an alias
// bomb is refused at once.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <vector>

#include "test_support.h"

namespace morphaeus::test {
namespace {

namespace fs = std::filesystem;

struct BadValue {
  std::string sets;                // --set arguments
  std::vector<std::string> named;  // what stderr must contain (keys, files, reasons)
};

// The embedded demo with one bad value each: exit 2 and no run directory, no synthetic data.
TEST(BadInputCli, CrossCheckedValuesAreRefusedBeforeAnyWork) {
  const std::string d = makeTempDir("badvalues");
  const std::string args = tinyDemoArgs(16, 4, 8);
  const std::vector<BadValue> cases = {
      {"--set trainer.data_loader.params.args.batch_size=1 --set "
       "trainer.params.training_mode=train",
       {"--set trainer.data_loader.params.args.batch_size=1: trainer.data_loader.params.args."
        "batch_size: one image per batch is too "
        "few for BatchNorm in train mode (trainer.params.training_mode (--set",
        "Expected more than 1 value per channel when training"}},
      {"--set model.params.in_channels=3",
       {"model.params.in_channels: the model takes 3 channels, but the images are read as one"}},
      {"--set model.params.out_ch=2", {"model.params.out_ch: the reconstruction is compared"}},
      {"--set trainer.data_loader.params.args.target_size=[1,1]",
       {"trainer.data_loader.params.args.target_size: the images are 1x1, but the model is built "
        "for 128x128: model.params.inshape (<embedded demo>:"}},
      {"--set trainer.data_loader.params.args.target_size=[0,0]",
       {"trainer.data_loader.params.args.target_size[0]: expected a value at least 1, got 0"}},
      {"--set model.params.inshape=[64,64] --set target_size=[64,64]",
       {"model.params.inshape: the encoder reduces its input by 128 (the product of "
        "model.params.strides (<embedded demo>:"}},
      {"--set model.params.strides=[2,2]",
       {"model.params.strides: 2 strides for 7 blocks: one stride per entry of "
        "model.params.channels"}},
      {"--set model.params.nr_ref_channels=7",
       {"model.params.nr_ref_channels: at most 6 refinement levels"}},
      {"--set trainer.params.optimizer_params.lr=0",
       {"trainer.params.optimizer_params.lr: expected a value greater than 0, got 0"}},
      {"--set trainer.params.optimizer_params.lr=.nan",
       {"trainer.params.optimizer_params.lr: expected a finite number, got .nan"}},
      {"--set trainer.params.optimizer_params.lr=-.inf",
       {"trainer.params.optimizer_params.lr: expected a finite number, got -.inf"}},
      {"--set trainer.params.nr_epochs=0",
       {"trainer.params.nr_epochs: expected a value at least 1"}},
      {"--set trainer.params.patience=0", {"trainer.params.patience: expected a value at least 1"}},
      {"--set trainer.params.optimizer_params.betas=[0.9,1.5]",
       {"trainer.params.optimizer_params.betas[1]: expected a value between 0 and 1"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sets);
    for (const char* mode : {" --dry-run", " --output "}) {
      const std::string run = d + "/run";
      const CommandResult r = runCommand("cd " + d + " && '" + MORPHAEUS_EXE + "' " + args + " " +
                                         c.sets + mode + (mode[3] == 'o' ? run : std::string()));
      EXPECT_EQ(r.exit_code, 2) << r.err;
      for (const auto& text : c.named) EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
      EXPECT_FALSE(fs::exists(run)) << "a run directory was created";
      EXPECT_FALSE(fs::exists(d + "/runs")) << "synthetic data was generated";
    }
  }
}

// The paper's AE-S and AE-D at image sizes their networks do not take: AE-S's four strides make
// 16-multiples (24 px would come back 32), AE-D's dense bottleneck takes 8x8 after them.
TEST(BadInputCli, TheAutoencodersImageSizesAreCheckedBeforeAnyWork) {
  const auto dryRun = [](const char* config, const char* size) {
    return runMorphaeus(std::string("--config ") + sourcePath(config) +
                        " --dry-run --set trainer.data_loader.params.args.target_size=" + size +
                        " --set trainer.params.input_size=" + size);
  };
  const CommandResult s = dryRun("projects/morphaeus/configs/cxr/ae-s.yaml", "[24,24]");
  EXPECT_EQ(s.exit_code, 2) << s.err;
  EXPECT_NE(s.err.find("trainer.data_loader.params.args.target_size: the images are 24x24, not a "
                       "multiple of 16 (the product of model.params.strides"),
            std::string::npos)
      << s.err;
  EXPECT_EQ(dryRun("projects/morphaeus/configs/cxr/ae-s.yaml", "[64,64]").exit_code, 0);
  const CommandResult d = dryRun("projects/morphaeus/configs/cxr/ae-d.yaml", "[64,64]");
  EXPECT_EQ(d.exit_code, 2) << d.err;
  EXPECT_NE(d.err.find("the images are 64x64, which the encoder reduces by 16 (the product of "
                       "model.params.strides"),
            std::string::npos)
      << d.err;
  EXPECT_NE(d.err.find("to 4x4; the dense bottleneck takes 64 pixels (e.g. 8x8: images of "
                       "128x128)"),
            std::string::npos)
      << d.err;
  EXPECT_EQ(dryRun("projects/morphaeus/configs/cxr/ae-d.yaml", "[128,128]").exit_code, 0);
}

// A restarted job (SLURM's requeue) continues from its run directory: without one of its own
// (no --output, no output_dir) it stops at once, naming the variable and the checkpoint.
TEST(BadInputCli, ARestartWithoutARunDirectoryOfItsOwnStops) {
  const std::string d = makeTempDir("restart");
  const CommandResult r = runCommand("cd " + d + " && SLURM_RESTART_COUNT=1 '" + MORPHAEUS_EXE +
                                     "' " + tinyDemoArgs(16, 4, 8));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("error: SLURM_RESTART_COUNT=1: a restarted run continues from its run "
                       "directory's latest_model.pt, but this run has none of its own"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(d + "/runs")) << "synthetic data was generated";
}

TEST(BadInputCli, BatchLargerThanTheTrainSplitNamesBoth) {
  const std::string d = makeTempDir("badsplit");
  writeText(d + "/three.csv", "filename\na.png\nb.png\nc.png\n");
  const CommandResult r = runMorphaeus(tinyDemoArgs(16, 4, 8) +
                                       " --set trainer.data_loader.params.args.data_dir.train=[" +
                                       d + "/three.csv] --dry-run");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(
      r.err.find("trainer.data_loader.params.args.batch_size: a batch of 8 is more than the "
                 "3 images of the train split trainer.data_loader.params.args.data_dir.train"),
      std::string::npos)
      << r.err;
}

// Errors found while running name the step and its key or file.
TEST(BadInputCli, RuntimeErrorsSayWhatTheRunWasDoing) {
  const std::string d = makeTempDir("badrun");
  writeText(d + "/garbage.pt", "this is not a checkpoint");
  const CommandResult r =
      runCommand("cd " + d + " && '" + MORPHAEUS_EXE + "' " + tinyDemoArgs(16, 4, 8) +
                 " --output run --task test --weights " + d + "/garbage.pt");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("error: loading the weights to evaluate from " + d + "/garbage.pt: " + d +
                       "/garbage.pt: "),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("INTERNAL ASSERT"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Exception raised from"), std::string::npos) << r.err;
}

// Nine levels of nine aliases (9^9 values once expanded) in front of the paper config.
TEST(BadInputCli, AliasBombIsRefusedAtOnce) {
  const std::string d = makeTempDir("bomb");
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level < 9; ++level) {
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int k = 0; k < 9; ++k) text += (k ? ", *a" : "*a") + std::to_string(level - 1);
    text += "]\n";
  }
  text += readText(sourcePath("tests/data/upstream/cxr/morphaeus.yaml"));
  writeText(d + "/bomb.yaml", text);
  const auto start = std::chrono::steady_clock::now();
  const CommandResult r = runMorphaeus("--config " + d + "/bomb.yaml --dry-run");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  std::printf("alias bomb (%zu bytes of anchors): refused in %.2f s, largest child RSS %ld MiB\n",
              text.find("name:"), seconds, usage.ru_maxrss / 1024);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(d + "/bomb.yaml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("more than 100000 values (nested aliases?)"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace morphaeus::test
