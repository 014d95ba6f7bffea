// The authors' three figure configs (projects/morphaeus/configs/teaser/, cor/, byte for byte as
// published) run from the authors' working directory on MedNIST-format data, with CIFAR-10 and
// CelebA absent (their tasks skipped with the path looked at); cor/baseline.yaml trains and
// evaluates; `reproduce --figure depth --synthetic` writes Figure 2's image, CSV, plots and page
// from the runs' own metrics, `--figure teaser --synthetic` its sheet and tables (trained, or from
// given weights); bad CIFAR-10 input is one located line.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/test_support.h"

namespace morphaeus::test {
namespace {
namespace fs = std::filesystem;

class FigureConfigs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(makeTempDir("figure_configs"));
    const CommandResult r =
        runCommand("/usr/bin/python3 " + sourcePath("tests/python/public_sets_fixtures.py") +
                   " make " + *dir_ + " 64 64");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // morphaeus run in the authors' working directory (the fixture's folder).
  static CommandResult inAuthorsFolder(const std::string& args) {
    return runCommand("cd " + *dir_ + " && '" + MORPHAEUS_EXE + "' " + args);
  }
  static std::string config(const std::string& name) {
    return sourcePath("projects/morphaeus/configs/" + name);
  }
  static std::string* dir_;
};
std::string* FigureConfigs::dir_ = nullptr;

TEST_F(FigureConfigs, PublishedBytesAreKept) {
  // sha256 of the authors' files (ci-ber/MorphAEus, projects/23_morphaeus/configs/).
  const CommandResult r = runCommand("cd " + sourcePath("projects/morphaeus/configs") +
                                     " && sha256sum teaser/morphaeus.yaml teaser/ae-s.yaml");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("240ecd41e615ba1246b83d788f93567e759a34c5b89d03029e38f6eefcf1e10f"),
            std::string::npos);
  EXPECT_NE(r.out.find("3ea1d8f8e9a4e59be81b8da7e96336abeb7044113f7cbd07a5217ac3470d702a"),
            std::string::npos);
  EXPECT_EQ(fs::file_size(config("cor/baseline.yaml")), 3641u);
}

TEST_F(FigureConfigs, DryRunsSkipTheAbsentPublicSets) {
  for (const char* name : {"teaser/morphaeus.yaml", "teaser/ae-s.yaml", "cor/baseline.yaml"}) {
    SCOPED_TRACE(name);
    const CommandResult r = inAuthorsFolder("--config " + config(name) + " --dry-run");
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const std::string all = r.out + r.err;
    EXPECT_NE(all.find("celeba"), std::string::npos);
    EXPECT_NE(all.find("skipped: data/celeba/img_align_celeba does not exist (CelebA"),
              std::string::npos)
        << all;
    if (std::string(name).rfind("teaser", 0) == 0) {
      EXPECT_NE(
          all.find("skipped: data/cifar-10-batches-bin/test_batch.bin does not exist (CIFAR-10"),
          std::string::npos)
          << all;
      EXPECT_NE(all.find("dataset car (label 1): classes car"), std::string::npos) << all;
    }
  }
}

TEST_F(FigureConfigs, CorBaselineTrainsAndEvaluatesOnMedNist) {
  const std::string out = *dir_ + "/run-cor";
  const CommandResult r =
      inAuthorsFolder("--config " + config("cor/baseline.yaml") + " --output " + out +
                      " --device cpu --threads 2 " + "--set trainer.params.nr_epochs=1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("task celeba skipped: data/celeba/img_align_celeba does not exist"),
            std::string::npos)
      << r.err;
  const nlohmann::json m = readJson(out + "/eval/mednist/metrics.json");
  for (const char* ds : {"CXR", "MNIST"}) {
    ASSERT_TRUE(m["datasets"].contains(ds)) << m.dump();
    EXPECT_GT(m["datasets"][ds]["l1_mean"].get<double>(), 0.0);
    EXPECT_FALSE(m["datasets"][ds].contains("auroc"));  // compute_scores: False
  }
  EXPECT_FALSE(fs::exists(out + "/eval/celeba"));
}

TEST_F(FigureConfigs, PublicSetsFoundUnderTheDataRootAreRead) {
  // CIFAR-10 and CelebA where their keys say: the tasks run (one epoch of AE-S at 128).
  const std::string out = *dir_ + "/run-teaser";
  const CommandResult r = inAuthorsFolder(
      "--config " + config("teaser/ae-s.yaml") + " --output " + out +
      " --device cpu --threads 2 --set trainer.params.nr_epochs=1"
      " --set trainer.data_loader.params.args.batch_size=3"
      " --set "
      "downstream_tasks.cifar10.data_loader.params.args.cifar10_dir=cifar/cifar-10-batches-bin"
      " --set downstream_tasks.celeba.data_loader.params.args.celeba_dir=celeba");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("class \"car\" (upstream's teaser config) is CIFAR-10's \"automobile\""),
            std::string::npos)
      << r.err;
  const nlohmann::json c = readJson(out + "/eval/cifar10/metrics.json");
  EXPECT_EQ(c["datasets"]["Normal_dog"]["images"].get<int>(), 4);
  EXPECT_EQ(c["datasets"]["car"]["images"].get<int>(), 4);
  EXPECT_EQ(readJson(out + "/eval/celeba/metrics.json")["datasets"]["Normal_celebs"]["images"], 3);
}

TEST_F(FigureConfigs, BadCifar10InputIsOneLocatedLine) {
  // An unknown class: a config error at the key, with the nearest name.
  CommandResult r = inAuthorsFolder(
      "--config " + config("teaser/ae-s.yaml") +
      " --dry-run --set \"downstream_tasks.cifar10.data_loader.datasets.truck.classes=[trukc]\"");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("did you mean \"truck\""), std::string::npos) << r.err;
  // A batch file that is not whole records: the file named, nothing written.
  fs::create_directories(*dir_ + "/short-cifar");
  writeText(*dir_ + "/short-cifar/test_batch.bin", std::string(3073 + 5, '\1'));
  r = inAuthorsFolder(
      "--config " + config("teaser/ae-s.yaml") + " --output " + *dir_ +
      "/run-bad --device cpu --set trainer.params.nr_epochs=1"
      " --set downstream_tasks.cifar10.data_loader.params.args.cifar10_dir=short-cifar");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("short-cifar/test_batch.bin: 3078 bytes, not a whole number of 3073-byte"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(*dir_ + "/run-bad/best_model.pt"));
}

TEST(FigureCli, SyntheticDepthFigureFromOneEpochRuns) {
  const std::string d = makeTempDir("figure_depth");
  fs::create_directories(d + "/configs/figures");
  fs::copy_file(sourcePath("configs/figures/depth.yaml"), d + "/configs/figures/depth.yaml");
  const CommandResult r =
      runCommand("cd " + d + " && '" + MORPHAEUS_EXE +
                 "' reproduce --figure depth --synthetic --epochs 1 --device cpu --threads 2"
                 " --examples 2 --set synthetic_data.n_train=32");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string out = d + "/runs/figure-depth";
  for (const char* f : {"figure_depth.png", "figure_depth.csv", "figure_depth_l1.png",
                        "figure_depth_ssim.png", "report.html"})
    EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
  // The CSV: every depth and dataset, with the numbers of that run's metrics.json.
  std::istringstream csv(readText(out + "/figure_depth.csv"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "depth,dataset,l1,ssim");
  int rows = 0;
  while (std::getline(csv, line)) {
    std::istringstream fields(line);
    std::string depth, dataset, l1, ssim;
    std::getline(fields, depth, ',');
    std::getline(fields, dataset, ',');
    std::getline(fields, l1, ',');
    std::getline(fields, ssim, ',');
    const nlohmann::json m = readJson(out + "/ae" + depth + "/eval/ood/metrics.json");
    EXPECT_DOUBLE_EQ(std::stod(l1), m["datasets"][dataset]["l1_mean"].get<double>()) << line;
    EXPECT_DOUBLE_EQ(std::stod(ssim), m["datasets"][dataset]["ssim_mean"].get<double>()) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 6 * 3);
  // Each depth trained the network it names: AE6 has six encoder convolutions.
  EXPECT_NE(readText(out + "/ae6/config.yaml").find("[16, 32, 64, 128, 256, 256]"),
            std::string::npos);
  const RenderedPage page = renderInBrowser(out + "/report.html");
  for (const auto& p : page.problems) ADD_FAILURE() << p;
  // A second call finds every run finished and redraws the figure.
  const CommandResult again =
      runCommand("cd " + d + " && '" + MORPHAEUS_EXE +
                 "' reproduce --figure depth --synthetic --epochs 1 "
                 "--device cpu --examples 2 --set synthetic_data.n_train=32");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("AE6: finished before, skipped"), std::string::npos) << again.err;
}

TEST(FigureCli, SyntheticTeaserSheetFromOneEpochRunsOrGivenWeights) {
  const std::string d = makeTempDir("figure_teaser");
  fs::create_directories(d + "/configs/figures");
  for (const char* f : {"teaser-ae-s.yaml", "teaser-morphaeus.yaml"})
    fs::copy_file(sourcePath(std::string("configs/figures/") + f), d + "/configs/figures/" + f);
  const std::string small =
      " --device cpu --threads 2 --set synthetic_data.n_train=16 --set synthetic_data.n_test=8"
      " --set synthetic_data.n_ood=8";
  auto reproduce = [&](const std::string& args) {
    return runCommand("cd " + d + " && '" + MORPHAEUS_EXE + "' reproduce --figure teaser " + args);
  };
  const CommandResult r = reproduce("--synthetic --epochs 1" + small);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string out = d + "/runs/figure-teaser";
  for (const char* f :
       {"figure_teaser.png", "report.html", "ae-s/best_model.pt", "morphaeus/best_model.pt"})
    EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
  // Each model's table: every dataset with the numbers of its own evaluation.
  for (const char* run : {"ae-s", "morphaeus"}) {
    SCOPED_TRACE(run);
    const nlohmann::json m = readJson(out + "/" + run + "/eval/ood/metrics.json");
    ASSERT_EQ(m["datasets"].size(), 3u) << m.dump();
    for (const auto& [dataset, v] : m["datasets"].items()) {
      char row[128];
      std::snprintf(row, sizeof(row), "| %s | %.4f | %.4f |", dataset.c_str(),
                    v["l1_mean"].get<double>(), v["ssim_mean"].get<double>());
      EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
    }
  }
  EXPECT_NE(r.out.find("# AE-S"), std::string::npos);
  EXPECT_NE(r.out.find("# MorphAEus"), std::string::npos);
  const RenderedPage page = renderInBrowser(out + "/report.html");
  for (const auto& p : page.problems) ADD_FAILURE() << p;
  // Given weights: that model is evaluated from them, not trained (a fresh output folder).
  const CommandResult given =
      reproduce("--synthetic --epochs 1 --output " + d + "/given --weights AE-S=" + out +
                "/ae-s/best_model.pt" + small);
  ASSERT_EQ(given.exit_code, 0) << given.err;
  EXPECT_FALSE(fs::exists(d + "/given/ae-s/best_model.pt"));
  EXPECT_TRUE(fs::exists(d + "/given/morphaeus/best_model.pt"));
  EXPECT_TRUE(fs::exists(d + "/given/figure_teaser.png"));
  // A label that names neither model, or no file: one line, exit code 1 (as --compare's), nothing
  // drawn.
  for (const char* bad : {"--weights VAE=x.pt", "--weights AE-S="}) {
    SCOPED_TRACE(bad);
    const CommandResult e = reproduce("--synthetic --output " + d + "/bad " + bad + small);
    EXPECT_EQ(e.exit_code, 1) << e.err;
    EXPECT_NE(e.err.find("--weights"), std::string::npos) << e.err;
    EXPECT_FALSE(fs::exists(d + "/bad/figure_teaser.png"));
  }
}

}  // namespace
}  // namespace morphaeus::test
