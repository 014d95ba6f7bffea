// Training through the real executable on small synthetic data: the loss goes down, PyTorch reads
// the checkpoints, deterministic runs are bit-identical, a run stopped by SIGTERM and resumed
// reproduces the uninterrupted one, kill -9 never leaves a broken checkpoint, non-finite losses
// stop the run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/base/precision.h"
#include "core/checkpoint/checkpoint.h"
#include "tests/test_support.h"

namespace morphaeus::test {
namespace {
namespace fs = std::filesystem;

// 16 training images of 64 px (resized to 128), batch 8: two steps per epoch.
std::string tiny(int epochs) {
  return tinyDemoArgs(16, 4, 8) + " --set trainer.params.nr_epochs=" + std::to_string(epochs);
}

int metricRows(const std::string& path) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n;
}

std::vector<double> column(const std::string& jsonl, const std::string& key) {
  std::vector<double> out;
  std::ifstream in(jsonl);
  for (std::string line; std::getline(in, line);) {
    const auto at = line.find("\"" + key + "\":");
    if (at != std::string::npos) out.push_back(std::stod(line.substr(at + key.size() + 3)));
  }
  return out;
}

void expectSameWeights(const std::string& a, const std::string& b) {
  const Checkpoint ca = readCheckpoint(a), cb = readCheckpoint(b);
  EXPECT_EQ(ca.epoch, cb.epoch);
  ASSERT_EQ(ca.model_weights.size(), cb.model_weights.size());
  for (std::size_t i = 0; i < ca.model_weights.size(); ++i) {
    EXPECT_TRUE(ca.model_weights[i].second.equal(cb.model_weights[i].second)) << ca.model_weights[i].first;
  }
}

// precision: bf16 (autocast, channels_last, float32 master weights and loss sums) follows the
// float32 run of the demo: every epoch's training and validation loss within 3% (the tolerance
// of docs/PERFORMANCE.md), and the runs log what they chose.
TEST(TrainingCli, Bf16FollowsTheFp32LossCurveOverTheDemo) {
  if (!cpuBf16Support().fast()) {
    GTEST_SKIP() << "this CPU has " << cpuBf16Support().describe()
                 << ": bf16 runs at float32 speed or slower here, and auto picks fp32";
  }
  const std::string d = makeTempDir("bf16curve");
  const std::string args = tinyDemoArgs(48, 4, 16) + " --set trainer.params.nr_epochs=4";
  CommandResult f = runMorphaeusIn(d, "--output f --precision fp32" + args);
  ASSERT_EQ(f.exit_code, 0) << f.err;
  CommandResult b = runMorphaeusIn(d, "--output b --precision bf16" + args);
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_NE(f.err.find("precision fp32"), std::string::npos) << f.err;
  EXPECT_NE(b.err.find("precision bf16 + channels_last"), std::string::npos) << b.err;
  for (const char* key : {"train_loss", "val_loss"}) {
    const auto lf = column(d + "/f/metrics.jsonl", key), lb = column(d + "/b/metrics.jsonl", key);
    ASSERT_EQ(lf.size(), 4u) << key;
    ASSERT_EQ(lb.size(), lf.size()) << key;
    for (std::size_t e = 0; e < lf.size(); ++e) {
      EXPECT_LE(std::abs(lb[e] - lf[e]), 0.03 * std::abs(lf[e]))
          << key << " epoch " << e + 1 << ": bf16 " << lb[e] << ", fp32 " << lf[e];
    }
  }
}

TEST(TrainingCli, LossGoesDownAndPyTorchReadsTheCheckpoints) {
  const std::string d = makeTempDir("trainrun");
  CommandResult r = runMorphaeusIn(d, "--output out" + tiny(5));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto loss = column(d + "/out/metrics.jsonl", "train_loss");
  ASSERT_EQ(loss.size(), 5u);
  EXPECT_LT(loss.back(), loss.front());
  EXPECT_EQ(column(d + "/out/metrics.jsonl", "val_loss").size(), 5u);
  EXPECT_NE(readText(d + "/out/metrics.csv").find("epoch,"), std::string::npos);
  for (const char* f : {"latest_model.pt", "best_model.pt"}) {
    auto py = runCommand("/usr/bin/python3 " + sourcePath("tests/python/check_checkpoint.py") + " " + d + "/out/" + f);
    ASSERT_EQ(py.exit_code, 0) << py.err;
    EXPECT_NE(py.out.find(" states "), std::string::npos) << py.out;
  }
  EXPECT_NE(runCommand("/usr/bin/python3 " + sourcePath("tests/python/check_checkpoint.py") + " " + d +
                       "/out/latest_model.pt").out.find("epoch 4 "),
            std::string::npos);
}

TEST(TrainingCli, DeterministicResumeAfterSigtermReproducesTheUninterruptedRun) {
  const std::string d = makeTempDir("resume");
  const std::string args = tiny(4) + " --deterministic";
  ASSERT_EQ(runMorphaeusIn(d, "--output a" + args).exit_code, 0);
  ASSERT_EQ(runMorphaeusIn(d, "--output c" + args).exit_code, 0);
  expectSameWeights(d + "/a/latest_model.pt", d + "/c/latest_model.pt");  // bit-identical runs

  const std::string pid = startInBackground(d, "--output b" + args);
  ASSERT_TRUE(waitFor([&] { return metricRows(d + "/b/metrics.jsonl") >= 1; }, 120));
  ASSERT_EQ(std::system(("kill -TERM " + pid).c_str()), 0);
  ASSERT_TRUE(waitFor([&] { return fs::exists(d + "/rc") && !readText(d + "/rc").empty(); }, 120));
  EXPECT_NE(readText(d + "/rc"), "0\n");
  EXPECT_NE(readText(d + "/bg.err").find("stopped by signal 15"), std::string::npos) << readText(d + "/bg.err");

  CommandResult resumed = runMorphaeusIn(d, "--output b2 --resume b/latest_model.pt" + args);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming at epoch"), std::string::npos);
  expectSameWeights(d + "/a/latest_model.pt", d + "/b2/latest_model.pt");
}

// A resumed learning-rate schedule continues where it stopped (its base lr and state come from
// the checkpoint): cosine stepped per epoch, 1 epoch + resume to 3 == 3 epochs straight.
TEST(TrainingCli, ResumedScheduleContinuesWhereItStopped) {
  const std::string d = makeTempDir("schedule");
  const std::string cosine =
      " --deterministic --set trainer.params.lr_scheduler=cosine"
      " --set trainer.params.lr_scheduler_step=epoch";
  ASSERT_EQ(runMorphaeusIn(d, "--output straight" + tiny(3) + cosine).exit_code, 0);
  ASSERT_EQ(runMorphaeusIn(d, "--output first" + tiny(1) + cosine).exit_code, 0);
  CommandResult resumed =
      runMorphaeusIn(d, "--output rest --resume first/latest_model.pt" + tiny(3) + cosine);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const auto straight = column(d + "/straight/metrics.jsonl", "lr");
  const auto rest = column(d + "/rest/metrics.jsonl", "lr");
  ASSERT_EQ(straight.size(), 3u);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_DOUBLE_EQ(rest[0], straight[1]);  // 5e-4 (1 + cos(pi / 100)) / 2 (epoch 1)
  EXPECT_DOUBLE_EQ(rest[1], straight[2]);
  EXPECT_LT(straight[2], straight[1]);
  expectSameWeights(d + "/straight/latest_model.pt", d + "/rest/latest_model.pt");
}

TEST(TrainingCli, KillDashNineNeverLeavesABrokenCheckpoint) {
  const std::string d = makeTempDir("kill9");
  ASSERT_EQ(runMorphaeusIn(d, "--dry-run").exit_code, 0);
  for (int round = 0; round < 3; ++round) {
    const std::string run = d + "/r" + std::to_string(round);
    fs::create_directories(run);
    fs::remove(d + "/pid");
    fs::remove(d + "/rc");
    const std::string pid = startInBackground(d, "--output " + run + tiny(50));
    ASSERT_TRUE(waitFor([&] { return fs::exists(run + "/latest_model.pt"); }, 120));
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + 400 * round));
    ASSERT_EQ(std::system(("kill -9 " + pid).c_str()), 0);
    ASSERT_TRUE(waitFor([&] { return fs::exists(d + "/rc") && !readText(d + "/rc").empty(); }, 60));
    const Checkpoint c = readCheckpoint(run + "/latest_model.pt");  // loads: never half-written
    EXPECT_FALSE(c.model_weights.empty());
  }
}

// experiment.weights naming a file that does not exist: from a config or --set (upstream's
// published configs name absent files) a warning and training from scratch; from --weights (or
// --resume) an error before any training.
TEST(TrainingCli, MissingWeightsWarnFromAConfigOrSetAndStopFromAFlag) {
  const std::string d = makeTempDir("missing-weights");
  CommandResult set = runMorphaeusIn(d, "--output set" + tiny(1) + " --set experiment.weights=absent.pt");
  EXPECT_EQ(set.exit_code, 0) << set.err;
  EXPECT_NE(set.err.find("does not exist; training starts from scratch"), std::string::npos)
      << set.err;
  EXPECT_TRUE(fs::exists(d + "/set/best_model.pt"));
  CommandResult flag = runMorphaeusIn(d, "--output flag" + tiny(1) + " --weights absent.pt");
  EXPECT_NE(flag.exit_code, 0);
  EXPECT_NE(flag.err.find("absent.pt: no such file"), std::string::npos) << flag.err;
  EXPECT_FALSE(fs::exists(d + "/flag/best_model.pt"));
}

TEST(TrainingCli, NonFiniteLossStopsWithEpochAndStep) {
  const std::string d = makeTempDir("nan");
  CommandResult r = runMorphaeusIn(d, "--output out" + tiny(3) + " --set trainer.params.optimizer_params.lr=1e30");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("error: non-finite loss"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("at epoch 0 step 2"), std::string::npos) << r.err;
}

// Losses read back every 4 steps (the fast path's no-sync mode): a non-finite loss is found at
// the read-back (here the epoch's end), named with the steps since the last check, and the stop
// comes before any checkpoint is written with the broken weights.
TEST(TrainingCli, DeferredLossReadBackStillStopsOnNonFiniteLoss) {
  const std::string d = makeTempDir("nan4");
  CommandResult r = runMorphaeusIn(d, "--output out" + tiny(3) +
                                 " --set trainer.params.optimizer_params.lr=1e30"
                                 " --set trainer.params.performance.loss_readback_every=4");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("error: non-finite loss"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("at epoch 0 steps 1..2"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d + "/out/latest_model.pt"));
}

// bf16 autocast and CUDA graphs need the default one-optimiser step; the AAE has its own.
TEST(TrainingCli, FastPathOnAMultiOptimiserTrainerIsAConfigError) {
  const std::string d = makeTempDir("aaebf16");
  CommandResult r = runMorphaeusIn(d, "--config " + sourcePath("configs/aae.yaml") + " --output out" +
                                 tiny(1) + " --set trainer.params.performance.precision=bf16");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("performance"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("has its own optimisation step"), std::string::npos) << r.err;
}

// An explicit bf16 that oneDNN cannot run (capped below AVX-512 on an AVX-512 CPU, where LibTorch
// still sends bf16 convolutions to it): a config error at each key it was set at, here the
// training step's and the task's by --precision, before any work; auto picks fp32 there. Without
// AVX-512 LibTorch uses its own bf16 kernels, and the run goes ahead.
TEST(TrainingCli, Bf16WhereOneDnnHasNoKernelForItIsAConfigError) {
  const std::string d = makeTempDir("bf16cap");
  const bool blocked = !parseCpuBf16Support(readText("/proc/cpuinfo"), "AVX2").blocked().empty();
  const std::string capped = "cd " + d + " && ONEDNN_MAX_CPU_ISA=AVX2 '" + MORPHAEUS_EXE + "' ";
  CommandResult r = runCommand(capped + "--dry-run --precision bf16" + tiny(1));
  if (!blocked) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return;
  }
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(
      r.err.find("bf16 cannot run on this CPU: ONEDNN_MAX_CPU_ISA=AVX2 leaves oneDNN no bf16"),
      std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("--precision"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("trainer.params.performance.precision"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("could not create a primitive"), std::string::npos) << r.err;
  CommandResult a = runCommand(capped + "--output a --precision auto" + tiny(1));
  EXPECT_EQ(a.exit_code, 0) << a.err;
  EXPECT_NE(a.err.find("precision fp32 (auto: "), std::string::npos) << a.err;
}

TEST(TrainingCli, PerceptualLossWithoutWeightsSaysWhereToPutThem) {
  const std::string d = makeTempDir("vgg");
  CommandResult r = runMorphaeusIn(d, "--output out" + tiny(1) + " --set trainer.params.alfa=0.05");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("vgg19-dcbb9e9d.pth"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("alfa: 0"), std::string::npos) << r.err;
}

// The multi-optimiser trainers (AAE: four Adam states, SI-VAE: two) save every optimiser under
// upstream's key and resume from them: one epoch + resume = two epochs straight, bit for bit.
TEST(TrainingCli, AdversarialTrainersResumeEveryOptimiser) {
  for (const std::string method : {"aae", "si-vae"}) {
    const std::string d = makeTempDir("resume_" + method);
    fs::create_directories(d + "/configs");  // its data goes to <d>/runs/demo-data
    fs::copy_file(sourcePath("configs/" + method + ".yaml"), d + "/configs/" + method + ".yaml");
    const std::string args = " --config configs/" + method + ".yaml" + tinyDemoArgs(16, 4, 8) +
                             " --set trainer.params.nr_epochs=2 --deterministic";
    ASSERT_EQ(runMorphaeusIn(d, "--output a" + args).exit_code, 0);
    ASSERT_EQ(runMorphaeusIn(d, "--output b" + args + " --set trainer.params.nr_epochs=1").exit_code, 0);
    CommandResult resumed = runMorphaeusIn(d, "--output b2 --resume b/latest_model.pt" + args);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_NE(resumed.err.find("resuming at epoch 1"), std::string::npos) << resumed.err;
    expectSameWeights(d + "/a/latest_model.pt", d + "/b2/latest_model.pt");
    const std::string keys = method == "aae" ? "optimizer_E_weights optimizer_G_weights optimizer_ZD_weights optimizer_D_weights"
                                             : "optimizer_e_weights optimizer_d_weights";
    auto py = runCommand("/usr/bin/python3 -c \"import sys, torch; c = torch.load(sys.argv[1]); "
                         "missing = [k for k in sys.argv[2].split() if not c[k]['state']]; "
                         "sys.exit(' '.join(missing) or None)\" " + d + "/a/latest_model.pt '" + keys + "'");
    EXPECT_EQ(py.exit_code, 0) << method << ": " << py.err;
  }
}

}  // namespace
}  // namespace morphaeus::test

namespace morphaeus::test {
namespace {

// A long run one can watch, whose memory stays flat: report.html and curves.png are rewritten
// after every validation with a "running" banner (a copy taken mid-run renders whole in
// Chromium), the final page has none; every epoch logs the resident memory (rss_mb), which stops
// growing once the morphology stage (from epoch 11) has run a few epochs, with the caching
// allocator's idle blocks bounded low (MORPHAEUS_CPU_CACHE_MB=32).
TEST(TrainingCli, ReportRefreshedDuringTrainingAndMemoryFlatOverALongRun) {
  const std::string d = makeTempDir("watch");
  constexpr int kEpochs = 48;
  startInBackground(d,
                    "--output run --threads 1 --set experiment.task=train" + tinyDemoArgs(8, 2, 4) +
                        " --set trainer.params.nr_epochs=" + std::to_string(kEpochs),
                    "MORPHAEUS_CPU_CACHE_MB=32");
  ASSERT_TRUE(waitFor([&] { return metricRows(d + "/run/metrics.jsonl") >= 2; }, 300))
      << readText(d + "/bg.err");
  // The page and its figure as a browser would open them now: each file is replaced by a rename,
  // so a copy is one whole version (the run's temporary files come and go meanwhile).
  fs::create_directories(d + "/midway");
  for (const char* f : {"report.html", "curves.png"}) {
    std::error_code ec;
    fs::copy_file(d + "/run/" + f, d + "/midway/" + f, ec);
    EXPECT_FALSE(ec && std::string(f) == "report.html") << ec.message();
  }
  const std::string mid = readText(d + "/midway/report.html");
  EXPECT_NE(mid.find("running: epoch "), std::string::npos) << mid.substr(0, 2000);
  EXPECT_NE(mid.find(" of " + std::to_string(kEpochs) + ", last update "), std::string::npos);
  EXPECT_NE(mid.find("http-equiv=\"refresh\""), std::string::npos);
  const RenderedPage shown = renderInBrowser(d + "/midway/report.html");
  for (const auto& p : shown.problems) ADD_FAILURE() << "mid-run page: " << p;
  EXPECT_NE(shown.dom.find("running: epoch "), std::string::npos);

  ASSERT_TRUE(waitFor([&] { return fs::exists(d + "/rc") && !readText(d + "/rc").empty(); }, 900));
  ASSERT_EQ(readText(d + "/rc"), "0\n") << readText(d + "/bg.err");
  const std::string final_page = readText(d + "/run/report.html");
  EXPECT_EQ(final_page.find("running: epoch"), std::string::npos);
  EXPECT_EQ(final_page.find("http-equiv=\"refresh\""), std::string::npos);

  const std::vector<double> rss = column(d + "/run/metrics.jsonl", "rss_mb");
  ASSERT_EQ(rss.size(), static_cast<std::size_t>(kEpochs));
  for (double r : rss) EXPECT_GT(r, 50.0);  // LibTorch alone is more than that
  // Settled from epoch 16 on: the resident memory moves by up to about 40 MiB between epochs
  // (glibc's heap, the allocator's up to 32 idle MiB), so the bounds are two: never more than
  // 64 MiB above epoch 16 (a leak of 2 MiB per epoch would reach it), and the last 16 epochs'
  // median within 16 MiB of the highest of epochs 16-32 (memory that kept growing would not be).
  const double settled = rss[15];
  double most = 0, middle_high = 0;
  for (std::size_t e = 15; e < rss.size(); ++e) most = std::max(most, rss[e] - settled);
  for (std::size_t e = 15; e < 32; ++e) middle_high = std::max(middle_high, rss[e]);
  std::vector<double> last(rss.end() - 16, rss.end());
  std::nth_element(last.begin(), last.begin() + 8, last.end());
  std::printf(
      "rss_mb: epoch 1 %.1f, 11 %.1f, 16 %.1f, 32 %.1f, %d %.1f; most above epoch 16: %.1f; "
      "median of the last 16: %.1f, highest of epochs 16-32: %.1f\n",
      rss[0], rss[10], rss[15], rss[31], kEpochs, rss.back(), most, last[8], middle_high);
  EXPECT_LT(most, 64.0);
  EXPECT_LE(last[8], middle_high + 16.0);
}

}  // namespace
}  // namespace morphaeus::test
