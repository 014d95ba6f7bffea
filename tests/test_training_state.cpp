// The parts of a training that outlive a step: early stopping (upstream's rule), the training
// state's round trip through a checkpoint file (resume), the metrics log, atomic files, run
// directories, and the schema defaults the trainer options are read with.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/app/run_directory.h"
#include "core/base/atomic_file.h"
#include "core/config/typed_params.h"
#include "core/config/yaml_loader.h"
#include "core/train/metrics_log.h"
#include "core/train/trainer_options.h"
#include "core/train/training_state.h"
#include "tests/test_support.h"

namespace morphaeus {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Upstream's EarlyStopping: the first value sets the best; best - value > min_delta resets the
// counter, anything else counts; reaching patience stops (and resets the counter).
TEST(EarlyStopping, FollowsUpstreamsRule) {
  EarlyStopping e(2, 0.1);
  const std::vector<double> values = {1.0, 0.95, 0.8, 0.85, 0.79, 0.5, 0.5};
  const std::vector<bool> stops = {false, false, false, false, true, false, false};
  const std::vector<int> counters = {0, 1, 0, 1, 0, 0, 1};
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(e.update(values[i]), stops[i]) << "value " << i;
    EXPECT_EQ(e.counter(), counters[i]) << "value " << i;
  }
  EXPECT_DOUBLE_EQ(*e.best(), 0.5);
}

TEST(TrainingState, RoundTripsThroughACheckpointFile) {
  const std::string dir = test::makeTempDir("training_state");
  LrScheduleOptions plateau;
  plateau.kind = "plateau";
  plateau.patience = 1;
  TrainingState s(EarlyStopping(5, 1e-8));
  s.epoch = 3;
  s.next_step = 7;
  s.best_val = 0.25;
  s.best_epoch = 2;
  s.schedule.emplace(plateau);
  for (double v : {0.5, 0.4, 0.45}) s.early.update(v);
  s.schedule->next(0, 0.5, 1e-3);
  s.schedule->next(1, 0.6, 1e-3);  // one bad epoch so far
  Checkpoint c;
  s.writeTo(c);
  const at::Tensor after_capture = torch::rand({4});  // the draws a resume must repeat
  const std::string file = dir + "/state.pt";
  writeCheckpoint(file, c);

  TrainingState r(EarlyStopping(5, 1e-8));
  r.schedule.emplace(plateau);
  r.readFrom(readCheckpoint(file));
  EXPECT_EQ(r.epoch, 3);
  EXPECT_EQ(r.next_step, 7);
  EXPECT_DOUBLE_EQ(r.best_val, 0.25);
  EXPECT_EQ(r.best_epoch, 2);
  EXPECT_EQ(r.early.counter(), s.early.counter());
  EXPECT_EQ(r.early.best(), s.early.best());
  // The plateau's bad-epoch count continues: a second bad epoch reduces the lr in both.
  EXPECT_EQ(r.schedule->next(2, 0.6, 1e-3), s.schedule->next(2, 0.6, 1e-3));
  r.restoreGenerator();
  EXPECT_TRUE(torch::equal(torch::rand({4}), after_capture));
}

TEST(TrainingState, AnotherScheduleStartsAfreshAndOldCheckpointsKeepDefaults) {
  LrScheduleOptions cosine;
  cosine.kind = "cosine";
  cosine.step = ScheduleStep::Epoch;
  TrainingState s(EarlyStopping(5, 1e-8));
  LrScheduleOptions plateau;
  plateau.kind = "plateau";
  s.schedule.emplace(plateau);
  Checkpoint c;
  s.writeTo(c);
  TrainingState r(EarlyStopping(5, 1e-8));
  r.schedule.emplace(cosine);
  r.readFrom(c);
  LrSchedule fresh(cosine);
  EXPECT_EQ(r.schedule->next(10, std::nullopt, 1e-3), fresh.next(10, std::nullopt, 1e-3));

  Checkpoint bare;  // an upstream checkpoint: weights and epoch only
  bare.epoch = 4;
  TrainingState b(EarlyStopping(5, 1e-8));
  b.readFrom(bare);
  EXPECT_EQ(b.epoch, 4);
  EXPECT_EQ(b.next_step, 0);
  EXPECT_TRUE(std::isinf(b.best_val));
  EXPECT_FALSE(b.early.best().has_value());
  EXPECT_FALSE(b.rng.defined());
}

TEST(MetricsLog, AppendsRowsAndKeepsAnEarlierRunUpToTheResumedEpoch) {
  // Rows count epochs from 1, as the log; a run resumed after one finished epoch keeps row 1.
  const std::string dir = test::makeTempDir("metrics_log");
  {
    MetricsLog log(dir);
    log.append({{"epoch", 1}, {"train_loss", 0.5}});
    log.append({{"epoch", 2}, {"train_loss", 0.25}, {"val_loss", 0.3}});
  }
  EXPECT_EQ(slurp(fs::path(dir) / "metrics.csv"),
            "epoch,train_loss,val_loss\n1,0.5,\n2,0.25,0.3\n");
  MetricsLog resumed(dir);
  resumed.loadUntil(1);
  ASSERT_EQ(resumed.rows().size(), 1u);
  EXPECT_EQ(resumed.rows()[0]["epoch"], 1);
  resumed.append({{"epoch", 2}, {"train_loss", 0.2}});
  EXPECT_EQ(slurp(fs::path(dir) / "metrics.jsonl"),
            "{\"epoch\":1,\"train_loss\":0.5}\n{\"epoch\":2,\"train_loss\":0.2}\n");
}

TEST(AtomicFile, AFailedWriteLeavesTheOldFileAndNoTemporaryFile) {
  const std::string dir = test::makeTempDir("atomic_file");
  const std::string file = dir + "/report.txt";
  writeFileAtomic(file, "first\n");
  EXPECT_EQ(slurp(file), "first\n");
  EXPECT_THROW(writeFileAtomic(file,
                               [](std::ostream& out) {
                                 out << "half";
                                 throw std::runtime_error("disk full");
                               }),
               std::runtime_error);
  EXPECT_EQ(slurp(file), "first\n");
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir)) entries += e.is_regular_file();
  EXPECT_EQ(entries, 1);
  EXPECT_THROW(writeFileAtomic(dir + "/missing/folder/x.txt", "x"), std::runtime_error);
}

TEST(RunDirectory, TimestampedFoldersAreDistinctAndARequestedOneIsCreated) {
  const std::string dir = test::makeTempDir("run_directory");
  const fs::path old = fs::current_path();
  fs::current_path(dir);
  const std::string a = createRunDirectory("", "demo");
  const std::string b = createRunDirectory("", "demo");
  fs::current_path(old);
  EXPECT_NE(a, b);
  for (const auto& d : {a, b}) {
    const fs::path p = fs::path(d).is_absolute() ? fs::path(d) : fs::path(dir) / d;
    EXPECT_TRUE(fs::is_directory(p)) << d;
    EXPECT_EQ(p.parent_path().filename(), "runs") << d;
    EXPECT_EQ(p.filename().string().rfind("demo-", 0), 0u) << d;
  }
  const std::string requested = dir + "/my/run";
  EXPECT_EQ(createRunDirectory(requested, "demo"), requested);
  EXPECT_TRUE(fs::is_directory(requested));
  std::ofstream(dir + "/file") << "x";
  EXPECT_THROW(createRunDirectory(dir + "/file/run", "demo"), std::runtime_error);
}

TEST(TrainerOptions, DefaultsComeFromTheSchemaOnce) {
  const Schema schema = trainerSchema();
  EXPECT_NE(schema.find("patience")->text().find("default 25"), std::string::npos);
  const ConfigNode minimal = loadYamlString(
      "nr_epochs: 3\nloss: {module_name: optim.losses.ln_losses, class_name: L2}\n"
      "optimizer_params: {lr: 1.0e-3}\n",
      "params.yaml");
  const TrainerOptions o = trainerOptions(minimal);
  EXPECT_EQ(o.nr_epochs, 3);
  EXPECT_EQ(o.val_interval, 1);
  EXPECT_EQ(o.patience_validations, 25);
  EXPECT_DOUBLE_EQ(o.min_delta, 1e-8);
  EXPECT_EQ(o.lr_scheduler, "none");
  EXPECT_FALSE(o.train_mode.has_value());
  EXPECT_EQ(o.fast.precision, Precision::Fp32);
  EXPECT_EQ(o.fast.loss_readback_every, 1);
  EXPECT_DOUBLE_EQ(o.adam.eps, 1e-8);

  const ConfigNode cosine = loadYamlString(
      "nr_epochs: 3\nloss: {module_name: optim.losses.ln_losses, class_name: L2}\n"
      "optimizer_params: {lr: 1.0e-3, betas: [0.5, 0.9]}\nlr_scheduler: cosine\n"
      "training_mode: train\nperformance: {precision: bf16}\n",
      "params.yaml");
  const TrainerOptions c = trainerOptions(cosine);
  EXPECT_TRUE(c.adam.amsgrad);  // upstream's cosine switch
  EXPECT_DOUBLE_EQ(c.adam.weight_decay, 1e-5);
  EXPECT_DOUBLE_EQ(c.adam.beta1, 0.5);
  EXPECT_TRUE(c.adam_betas);
  EXPECT_EQ(c.train_mode, std::optional<bool>(true));
  EXPECT_EQ(c.fast.precision, Precision::Bf16);  // decided by the trainer for its device

  // Reading also checks what the validator would have (params built by hand in tests, bench).
  const ConfigNode bad = loadYamlString("nr_epochs: 0\n", "bad.yaml");
  const TypedParams typed(schema, bad);
  EXPECT_THROW(typed.getInt("nr_epochs"), ConfigError);
  EXPECT_THROW(typed.getInt("no_such_key"), std::logic_error);
  const ConfigNode empty = loadYamlString("{}\n", "empty.yaml");
  // An absent required key: a ConfigError at the params map, as ConfigNode::at says it (the
  // model factories read their required keys through TypedParams too).
  try {
    TypedParams(schema, empty).getInt("nr_epochs");
    ADD_FAILURE() << "an absent required key was read";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("missing required key \"nr_epochs\""), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace morphaeus
