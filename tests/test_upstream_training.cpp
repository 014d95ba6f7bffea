// `morphaeus` trains like the authors' code as it runs: the nine published configs byte for byte
// (tests/data/upstream/cxr/, upstream's relative paths found through --data-root), from the same
// initial checkpoint (upstream's layout, optimiser states as torch.optim.Adam writes them) on the
// same PNGs, against tests/python/upstream_training_reference.py, which follows their trainers:
// eval-mode training (train mode for the AAE, and with training_mode: train), their losses,
// schedules stepped with the validation loss, validation and best-checkpoint rule, early-stopping
// calls. Every value MorphTrainer logs (the losses, the perceptual loss, the regulariser, the
// NCC, the validation MSE, L2 and perceptual losses, lr and beta) and the other trainers' losses,
// validation loss and lr, every epoch, within 1e-3 relative; the final
// weights within 1e-3 relative L2; the same best epoch. Then runs resumed from checkpoints that
// PyTorch wrote after epoch 1 (1.13 and 2.x layouts, int steps) for the trainers with one, two and
// four optimisers, and checkpoints with bad optimiser values, which must fail with one line that
// names the file and the key.
//
// Why 1e-3: both programs run float32 and, for MorphAEus, sum in different orders (our warp and
// transposed convolutions are not PyTorch's; the NCC's window sums are its convolutions, since
// their order moves the NCC by up to 3e-3 where windows are smooth), so each step's losses agree to
// about 1e-6 relative; Adam normalises gradients by their running RMS, which passes such relative
// differences on to the weights without shrinking them, and the morphology stage (from epoch 11)
// amplifies them: measured at most 3.3e-4 on a loss by epoch 13 in eval mode, also with the
// reference on other kernels (ATEN_CPU_CAPABILITY=default, ONEDNN_MAX_CPU_ISA=AVX2), while the
// NCC's window sums were not upstream's; with them (issue 30) the final weights agree to 4.6e-7
// relative L2, the largest relative difference being the regulariser's 1.1e-7 at epoch 13 (5e-3
// of it: 6e-10, inside kFloor). Train mode
// amplifies more (4.5e-4, and 1.3e-3 on other kernels), so that run is compared in float64. The
// baselines run the same LibTorch kernels as PyTorch and agree to the bit on the same machine --
// which the AAE needs: its adversarial steps amplify a one-ulp change to 30% by epoch 3, so its
// reference must run with our kernels (the cached reference is keyed by the variables that choose
// them). A behavioural difference -- train vs eval mode, a schedule, a sampled or a mean z --
// moves these numbers by 1e-2 and more (16% for the model mode).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/checkpoint/checkpoint.h"
#include "core/checkpoint/torch_file_reader.h"
#include "data/batch_loader.h"
#include "tests/test_support.h"

namespace morphaeus::test {
namespace {

constexpr int kEpochs = 14;  // the reference's longest run (MorphAEus: the morphology stage)
constexpr double kTolerance = 1e-3;
// Below 1e-7 a logged term says nothing about training (the losses that drive it are 1e-3 and
// more); there, e.g. the regulariser of a nearly zero velocity field just after the morphology
// stage starts (2e-8, a difference of differences of tiny values), float32 carries only a few
// digits.
constexpr double kFloor = 1e-7;

class UpstreamTraining : public ::testing::Test {
 protected:
  // The reference is computed once per build tree and shared by the test processes (CTest runs
  // every test in its own): under <build>/test-cache/, keyed by the scripts' and the data
  // order's contents, made in a temporary folder and renamed into place.
  static void SetUpTestSuite() {
    work_ = new std::string(makeTempDir("upstream_training"));
    // Our data order (seed 2109) is what the reference feeds: 4 images, and 8 for the films.
    auto orders = [](std::size_t n) {
      std::string text;
      for (int e = 0; e < kEpochs; ++e) {
        for (std::size_t i : epochOrder(n, true, 2109, e)) text += std::to_string(i) + " ";
        text += "\n";
      }
      return text;
    };
    const std::string inputs = orders(4) + orders(8) + pythonReferenceSources();
    ref_ = new std::string(cachedReference("upstream_training", inputs, [&](const std::string& d) {
      writeText(d + "/orders.txt", orders(4));
      writeText(d + "/film_orders.txt", orders(8));
      const CommandResult r =
          runCommand("'" + referencePython() + "' " +
                     sourcePath("tests/python/upstream_training_reference.py") + " make " + d +
                     " " + d + "/orders.txt " + d + "/film_orders.txt");
      if (r.exit_code != 0) throw std::runtime_error(r.err);
    }));
  }

  // Trains `config` (a published one) for `epochs` from `weights` (or resumes from it).
  static CommandResult train(const std::string& config, const std::string& out,
                             const std::string& weights, bool resume, int epochs,
                             const std::string& extra = "", const std::string& data = "") {
    std::string args = "--config '" + sourcePath("tests/data/upstream/cxr/" + config) +
                       "' --data-root " + *ref_ + data + " --output " + out +
                       " --device cpu --threads 2" +
                       (resume ? " --resume " : " --task train --weights ") + weights +
                       " --set trainer.params.nr_epochs=" + std::to_string(epochs) +
                       " --set trainer.data_loader.params.args.batch_size=4" + extra;
    if (config == "morphaeus.yaml")
      args += " --set trainer.params.vgg_weights=" + *ref_ + "/vgg19_random.pth";
    return runMorphaeus(args);
  }

  static std::vector<nlohmann::json> metrics(const std::string& run) {
    std::vector<nlohmann::json> rows;
    std::ifstream in(run + "/metrics.jsonl");
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
    return rows;
  }

  // Every metric of the reference, epoch by epoch; the final weights; the best epoch. A `partial`
  // run trained only its first epochs: those are compared.
  static void expectMatches(const std::string& run, const std::string& reference,
                            bool partial = false, double tolerance = kTolerance) {
    const auto ref = readTorchFile(reference).toGenericDict();
    const std::vector<nlohmann::json> rows = metrics(run);
    ASSERT_FALSE(rows.empty()) << run;
    double worst = 0;  // the largest relative difference of a loss above the floor
    std::string worst_at;
    for (const auto& entry : ref.at(c10::IValue("epochs")).toGenericDict()) {
      const std::string key = entry.key().toStringRef();
      const torch::Tensor want = entry.value().toTensor();
      if (partial) {
        ASSERT_LT(rows.size(), static_cast<std::size_t>(want.size(0))) << key;
      } else {
        ASSERT_EQ(rows.size(), static_cast<std::size_t>(want.size(0))) << key;
      }
      for (std::size_t e = 0; e < rows.size(); ++e) {
        ASSERT_TRUE(rows[e].contains(key)) << key << " missing in " << rows[e].dump();
        const double w = want[static_cast<int64_t>(e)].item<double>();
        const double ours = rows[e][key].get<double>();
        EXPECT_NEAR(ours, w, tolerance * std::abs(w) + kFloor)
            << key << " at epoch " << rows[e]["epoch"];
        if (std::abs(w) > kFloor && std::abs(ours - w) / std::abs(w) > worst) {
          worst = std::abs(ours - w) / std::abs(w);
          worst_at = key + " epoch " + rows[e]["epoch"].dump();
        }
      }
    }
    std::printf("%s: %zu epochs, largest relative difference %.3g (%s)\n", run.c_str(), rows.size(),
                worst, worst_at.c_str());
    if (partial) return;
    const Checkpoint latest = readCheckpoint(run + "/latest_model.pt");
    std::map<std::string, torch::Tensor> theirs;
    for (const auto& e : ref.at(c10::IValue("weights")).toGenericDict())
      theirs[e.key().toStringRef()] = e.value().toTensor();
    ASSERT_EQ(latest.model_weights.size(), theirs.size());
    double diff = 0, norm = 0;
    for (const auto& [name, ours] : latest.model_weights) {
      ASSERT_TRUE(theirs.count(name)) << name;
      const torch::Tensor& t = theirs[name];
      if (!t.is_floating_point()) {  // num_batches_tracked: 0 in eval-mode training
        EXPECT_TRUE(ours.equal(t)) << name;
        continue;
      }
      diff += (ours.to(torch::kDouble) - t.to(torch::kDouble)).pow(2).sum().item<double>();
      norm += t.to(torch::kDouble).pow(2).sum().item<double>();
    }
    EXPECT_LE(std::sqrt(diff / norm), tolerance) << "relative L2 of the final weights";
    std::printf("%s: final weights, relative L2 difference %.3g\n", run.c_str(),
                std::sqrt(diff / norm));
    const int64_t best = ref.at(c10::IValue("best_epoch")).toInt();
    EXPECT_EQ(readCheckpoint(run + "/best_model.pt").epoch, best);
  }

  static std::string* ref_;   // the reference (shared, read only)
  static std::string* work_;  // this process's runs
};
std::string* UpstreamTraining::ref_ = nullptr;
std::string* UpstreamTraining::work_ = nullptr;

struct Case {
  const char* name;    // reference folder
  const char* config;  // published config
  int epochs;
  const char* extra;      // switches
  const char* data = "";  // the data root under the reference's folder
  double tolerance = kTolerance;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name << c.extra;
}

class UpstreamTrainingCase : public UpstreamTraining, public ::testing::WithParamInterface<Case> {};

TEST_P(UpstreamTrainingCase, EpochsAndFinalWeightsMatchTheAuthorsTrainer) {
  const Case& c = GetParam();
  const std::string run = *work_ + "/ours_" + c.name;
  const CommandResult r =
      train(c.config, run, *ref_ + "/" + c.name + "/init.pt", false, c.epochs, c.extra, c.data);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expectMatches(run, *ref_ + "/" + c.name + "/reference.pt", false, c.tolerance);
}

INSTANTIATE_TEST_SUITE_P(
    PublishedConfigs, UpstreamTrainingCase,
    ::testing::Values(Case{"morphaeus", "morphaeus.yaml", 14, ""},
                      Case{"morphaeus_train", "morphaeus.yaml", 14,
                           " --set trainer.params.training_mode=train"
                           " --set trainer.params.performance.precision=fp64"},
                      Case{"ae-s", "ae-s.yaml", 4, ""}, Case{"ae-d", "ae-d.yaml", 4, ""},
                      Case{"vae", "vae.yaml", 4, ""},
                      Case{"vae_train", "vae.yaml", 4, " --set trainer.params.training_mode=train"},
                      Case{"b-vae", "b-vae.yaml", 4, ""}, Case{"dae", "dae.yaml", 4, ""},
                      Case{"baseline", "baseline.yaml", 4, ""}, Case{"aae", "aae.yaml", 4, ""},
                      Case{"si-vae", "si-vae.yaml", 3, ""},
                      // The run that found the NCC's rounding (film-like images, alfa 0, batch 8,
                      // up to the first epoch of the morphology stage), where the window sums'
                      // float32 order moves the deformation loss: 3e-4, from what was measured
                      // on a 2-core AMD EPYC with AVX2 (no AVX-512): ours 8.3e-5 (1.0e-4 with
                      // both programs on ATEN_CPU_CAPABILITY=default), the reference against
                      // itself on those kernels 2.8e-5, and box sums instead of upstream's
                      // convolutions 1.07e-3 (performance.ncc_box_sums).
                      Case{"morphaeus_films", "morphaeus.yaml", 12,
                           " --set trainer.params.alfa=0"
                           " --set trainer.data_loader.params.args.batch_size=8",
                           "/films", 3e-4}),
    [](const auto& info) {
      std::string n = info.param.name;
      for (char& ch : n) ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
      return n;
    });

// The comparison can fail: the model mode alone moves the reference's own losses far beyond the
// tolerance (the issue that made this test: 16% before the first update upstream).
TEST_F(UpstreamTraining, TheModelModeMovesTheReferenceFarBeyondTheTolerance) {
  auto losses = [&](const std::string& name) {
    return readTorchFile(*ref_ + "/" + name + "/reference.pt")
        .toGenericDict()
        .at(c10::IValue("epochs"))
        .toGenericDict()
        .at(c10::IValue("train_loss"))
        .toTensor();
  };
  const torch::Tensor eval = losses("morphaeus"), train = losses("morphaeus_train");
  EXPECT_GT(((eval - train).abs() / eval.abs()).max().item<double>(), 50 * kTolerance);
  EXPECT_GT(((eval[0] - train[0]).abs() / eval[0].abs()).item<double>(), 10 * kTolerance);
}

TEST_F(UpstreamTraining, RunsResumeFromCheckpointsPyTorchWrote) {
  struct Resume {
    const char* name;
    const char* config;
    int epochs;  // the epoch to train up to (the reference's run goes to its end)
    const char* variant;
    bool partial;
  };
  // The other layouts of the same state: the first resumed epoch proves it was read alike.
  for (const Resume& c : {Resume{"morphaeus", "morphaeus.yaml", 14, "torch113", false},
                          Resume{"morphaeus", "morphaeus.yaml", 3, "torch2", true},
                          Resume{"morphaeus", "morphaeus.yaml", 3, "int_steps", true},
                          Resume{"aae", "aae.yaml", 4, "torch2", false},
                          Resume{"si-vae", "si-vae.yaml", 3, "torch113", false}}) {
    SCOPED_TRACE(std::string(c.name) + " " + c.variant);
    const std::string run = *work_ + "/resumed_" + c.name + "_" + c.variant;
    const CommandResult r =
        train(c.config, run, *ref_ + "/" + c.name + "/resume_" + c.variant + ".pt", true, c.epochs);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expectMatches(run, *ref_ + "/" + c.name + "/resumed.pt", c.partial);
  }
}

// The published files as they are: each passes --dry-run from upstream's working directory (their
// relative split paths resolve there, as upstream's do); the weights that morphaeus.yaml and
// baseline.yaml name are not in the authors' repository: reported, training starts afresh;
// compute_fid: True is refused with the reason.
TEST_F(UpstreamTraining, PublishedConfigsRunAsTheyAre) {
  for (const char* name :
       {"aae", "ae-d", "ae-s", "b-vae", "baseline", "dae", "morphaeus", "si-vae", "vae"}) {
    const std::string config = sourcePath(std::string("tests/data/upstream/cxr/") + name + ".yaml");
    // The miniature train split holds 4 images: the published batch sizes (64, 128) are more,
    // which the load-time check refuses, naming both; with a batch of 4 the files run as they are.
    const std::string run =
        "cd " + *ref_ + " && '" + MORPHAEUS_EXE + "' --config '" + config + "' --dry-run";
    const CommandResult big = runCommand(run);
    EXPECT_EQ(big.exit_code, 2) << name << ": " << big.err;
    EXPECT_NE(big.err.find("trainer.data_loader.params.args.batch_size: a batch of "),
              std::string::npos)
        << big.err;
    EXPECT_NE(big.err.find("is more than the 4 images of the train split "
                           "trainer.data_loader.params.args.data_dir.train ("),
              std::string::npos)
        << big.err;
    const CommandResult r = runCommand(run + " --set trainer.data_loader.params.args.batch_size=4");
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_NE(r.out.find(*ref_ + "/data/CXR/splits/cxr_normal_train.csv"), std::string::npos)
        << name << ": " << r.out;
  }
  const std::string config = sourcePath("tests/data/upstream/cxr/baseline.yaml");
  const CommandResult run =
      runMorphaeus("--config '" + config + "' --data-root " + *ref_ + " --output " + *work_ +
                   "/from_scratch --device cpu --set trainer.params.nr_epochs=1"
                   " --set trainer.data_loader.params.args.batch_size=4");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE((run.err + run.out).find("baseline.yaml:11:12: experiment.weights: "),
            std::string::npos)
      << run.err << run.out;
  EXPECT_NE((run.err + run.out).find("does not exist; training starts from scratch"),
            std::string::npos);
  const CommandResult fid =
      runMorphaeus("--config '" + config + "' --data-root " + *ref_ +
                   " --dry-run --set downstream_tasks.pneumonia.compute_fid=True"
                   " --set trainer.data_loader.params.args.batch_size=4");
  EXPECT_EQ(fid.exit_code, 2);
  EXPECT_NE(fid.err.find("downstream_tasks.pneumonia.compute_fid: FID is not available"),
            std::string::npos)
      << fid.err;
}

TEST_F(UpstreamTraining, BadOptimiserValuesAreNamedNeverAsserted) {
  const std::string bad = *ref_ + "/bad";
  const std::map<std::string, std::string> expected = {
      {"weight_decay_str",
       "optimizer_weights.param_groups[0].weight_decay: expected a number, got str"},
      {"betas_short", "optimizer_weights.param_groups[0].betas: expected two betas, got 1"},
      {"lr_none", "optimizer_weights.param_groups[0].lr: expected a number, got None"},
      {"step_none", "optimizer_weights.state.0.step: expected an integer, got None"},
      {"moment_shape",
       "optimizer_weights.state.0.exp_avg: shape [3], the parameter has [16, 1, 3, 3]"},
      {"state_key_str", "optimizer_weights.state.x: state keys must be parameter indices"},
      {"groups_dict", "optimizer_weights.param_groups: expected a list, got dict"},
      {"no_state", "optimizer_weights: missing key 'state'"},
      {"amsgrad_int", "optimizer_weights.param_groups[0].amsgrad: expected True or False, got int"},
      {"epoch_str", "epoch: expected an integer"}};
  for (const auto& [name, message] : expected) {
    SCOPED_TRACE(name);
    const std::string file = bad + "/" + name + ".pt";
    const std::string run = *work_ + "/bad_run_" + name;
    const CommandResult r = train("morphaeus.yaml", run, file, true, 14);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(file + ": " + message), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("INTERNAL ASSERT"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(run + "/latest_model.pt"));
  }
}

}  // namespace
}  // namespace morphaeus::test
