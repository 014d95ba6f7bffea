// Checkpoint IO against files written by Python's torch.save (zip and legacy formats), files
// Python's torch.load must read back, strict state_dict loading, and bad input.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "core/checkpoint/checkpoint.h"
#include "core/checkpoint/checkpoint_error.h"
#include "core/checkpoint/torch_file_reader.h"
#include "tests/test_support.h"

namespace morphaeus {
namespace {

using test::runCommand;
using test::sourcePath;

class CheckpointFiles : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(test::makeTempDir("ckpt"));
    auto r = runCommand("/usr/bin/python3 " + sourcePath("tests/python/checkpoint_fixtures.py") +
                        " write " + *dir_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static std::string file(const std::string& name) { return *dir_ + "/" + name; }
  static c10::impl::GenericDict dictAt(const c10::IValue& v, const std::string& key) {
    return v.toGenericDict().at(c10::IValue(key)).toGenericDict();
  }
  static c10::IValue at(const c10::IValue& v, const std::string& key) {
    return v.toGenericDict().at(c10::IValue(key));
  }
  static std::string* dir_;
};
std::string* CheckpointFiles::dir_ = nullptr;

void expectNestedContent(const c10::IValue& root) {
  auto d = root.toGenericDict();
  EXPECT_EQ(d.at(c10::IValue("epoch")).toInt(), 3);
  auto weights = d.at(c10::IValue("model_weights")).toGenericDict();
  ASSERT_EQ(weights.size(), 3u);
  auto it = weights.begin();  // insertion order kept
  EXPECT_EQ(it->key().toStringRef(), "a.weight");
  EXPECT_TRUE(it->value().toTensor().equal(torch::tensor({{1.5f, -2.0f}, {3.25f, 4.0f}})));
  EXPECT_EQ(weights.at(c10::IValue("bn.num_batches_tracked")).toTensor().item<int64_t>(), 7);

  std::vector<int64_t> ints;
  for (const auto& v : d.at(c10::IValue("ints")).toListRef()) ints.push_back(v.toInt());
  EXPECT_EQ(ints, (std::vector<int64_t>{0, 255, 256, 65535, 65536, -1, -(int64_t(1) << 31),
                                        int64_t(1) << 31, int64_t(1) << 40, -(int64_t(1) << 62)}));
  EXPECT_EQ(d.at(c10::IValue("one_list")).toListRef().at(0).toInt(), 42);
  EXPECT_EQ(d.at(c10::IValue("one_dict")).toGenericDict().at(c10::IValue("k")).toStringRef(), "v");
  EXPECT_EQ(d.at(c10::IValue("text")).toStringRef(), "h\xc3\xa9llo w\xc3\xb6rld");
  const auto& flags = d.at(c10::IValue("flags")).toTupleRef().elements();
  EXPECT_TRUE(flags[0].toBool());
  EXPECT_FALSE(flags[1].toBool());
  EXPECT_TRUE(flags[2].isNone());
  EXPECT_DOUBLE_EQ(d.at(c10::IValue("float")).toDouble(), 3.141592653589793);

  auto dt = d.at(c10::IValue("dtypes")).toGenericDict();
  auto t = [&](const char* k) { return dt.at(c10::IValue(k)).toTensor(); };
  EXPECT_TRUE(t("f64").equal(torch::tensor({1.0, -2.5}, torch::kDouble)));
  EXPECT_TRUE(t("i64").equal(torch::tensor({int64_t(-3), int64_t(1) << 40})));
  EXPECT_EQ(t("i32").scalar_type(), torch::kInt);
  EXPECT_TRUE(t("u8").equal(torch::tensor({0, 255}, torch::kUInt8)));
  EXPECT_TRUE(t("bool").equal(torch::tensor({true, false})));
  EXPECT_TRUE(t("f16").to(torch::kFloat).equal(torch::tensor({0.5f, 2.0f})));
  EXPECT_EQ(t("bf16").to(torch::kFloat).item<float>(), 1.5f);

  auto views = d.at(c10::IValue("views")).toGenericDict();
  auto base = torch::arange(24, torch::kFloat).view({4, 6});
  EXPECT_TRUE(views.at(c10::IValue("transposed")).toTensor().equal(base.t()));
  EXPECT_TRUE(views.at(c10::IValue("sliced")).toTensor().equal(base.slice(0, 1, 3).slice(1, 2, 5)));
  EXPECT_TRUE(views.at(c10::IValue("base")).toTensor().equal(base));

  auto opt = d.at(c10::IValue("optimizer_weights")).toGenericDict();
  auto groups = opt.at(c10::IValue("param_groups")).toListRef();
  auto group = groups.at(0).toGenericDict();
  EXPECT_DOUBLE_EQ(group.at(c10::IValue("lr")).toDouble(), 5e-4);
  EXPECT_EQ(group.at(c10::IValue("betas")).toTupleRef().elements().size(), 2u);
  auto state = opt.at(c10::IValue("state")).toGenericDict().at(c10::IValue(int64_t(0))).toGenericDict();
  EXPECT_EQ(state.at(c10::IValue("step")).toTensor().item<float>(), 3.0f);
}

TEST_F(CheckpointFiles, ReadsZipFormat) { expectNestedContent(readTorchFile(file("nested.pt"))); }

TEST_F(CheckpointFiles, ReadsLegacyFormat) {
  expectNestedContent(readTorchFile(file("nested_legacy.pt")));
}

TEST_F(CheckpointFiles, ReadsTorchvisionStyleLegacyStateDict) {
  Checkpoint c = readCheckpoint(file("vgg_legacy.pth"));  // a bare state_dict
  ASSERT_EQ(c.model_weights.size(), 2u);
  EXPECT_EQ(c.model_weights[0].first, "features.0.weight");
  EXPECT_EQ(c.model_weights[0].second.sizes(), (std::vector<int64_t>{64, 3, 3, 3}));
}

TEST_F(CheckpointFiles, CheckpointStructure) {
  Checkpoint c = readCheckpoint(file("nested.pt"));
  EXPECT_EQ(c.epoch, 3);
  EXPECT_EQ(c.model_weights.size(), 3u);
  EXPECT_TRUE(c.optimizer_weights.isGenericDict());
  EXPECT_GE(c.extra.size(), 1u);
}

TEST_F(CheckpointFiles, RefusesArbitraryGlobals) {
  try {
    readTorchFile(file("global.pt"));
    FAIL();
  } catch (const CheckpointError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind(file("global.pt") + ": ", 0), 0u) << msg;
    EXPECT_NE(msg.find("unsupported global \"__main__.Custom\""), std::string::npos) << msg;
  }
}

TEST_F(CheckpointFiles, TruncatedAndCorruptFilesGiveCheckpointErrors) {
  for (const char* name : {"nested.pt", "nested_legacy.pt"}) {
    const std::string bytes = test::readText(file(name));
    for (std::size_t cut : {std::size_t(3), bytes.size() / 3, bytes.size() / 2, bytes.size() - 5}) {
      const std::string bad = file(std::string("cut_") + name);
      test::writeText(bad, bytes.substr(0, cut));
      EXPECT_THROW(readTorchFile(bad), CheckpointError) << name << " cut at " << cut;
    }
  }
  // Random byte flips in the legacy pickle stream: a clean error or a clean read, never a crash.
  const std::string bytes = test::readText(file("nested_legacy.pt"));
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    std::string bad = bytes;
    for (int k = 0; k < 3; ++k) bad[rng() % 900] = static_cast<char>(rng() % 256);
    test::writeText(file("flipped.pt"), bad);
    try {
      readTorchFile(file("flipped.pt"));
    } catch (const CheckpointError&) {
    }
  }
  test::writeText(file("random.pt"), "this is not a checkpoint at all");
  EXPECT_THROW(readTorchFile(file("random.pt")), CheckpointError);
  EXPECT_THROW(readTorchFile(file("does_not_exist.pt")), CheckpointError);
}

TEST_F(CheckpointFiles, WrittenCheckpointsLoadInPython) {
  Checkpoint c;
  c.model_weights = {{"layer.weight", torch::arange(6, torch::kFloat).view({2, 3})},
                     {"layer.bias", torch::tensor({0.25f, -1.0f})},
                     {"bn.num_batches_tracked", torch::tensor(int64_t(12))},
                     {"view", torch::arange(12, torch::kFloat).view({3, 4}).t()}};
  c.epoch = 17;
  c10::impl::GenericDict opt(c10::StringType::get(), c10::AnyType::get());
  opt.insert("param_groups", c10::impl::GenericList(c10::AnyType::get()));
  c.optimizer_weights = opt;
  const std::string path = file("from_cpp.pt");
  writeCheckpoint(path, c);
  auto r = runCommand("/usr/bin/python3 " + sourcePath("tests/python/checkpoint_fixtures.py") +
                      " read " + path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"epoch\": 17"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"layer.weight\": [[2, 3], \"torch.float32\", 15.0]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"bn.num_batches_tracked\": [[], \"torch.int64\", 12.0]"), std::string::npos);
  EXPECT_NE(r.out.find("\"view\": [[4, 3], \"torch.float32\", 66.0]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"keys\": [\"epoch\", \"model_weights\", \"optimizer_weights\"]"),
            std::string::npos);
  // And our own reader reads it back.
  Checkpoint back = readCheckpoint(path);
  EXPECT_EQ(back.epoch, 17);
  ASSERT_EQ(back.model_weights.size(), 4u);
  EXPECT_TRUE(back.model_weights[3].second.equal(c.model_weights[3].second));
}

TEST_F(CheckpointFiles, AtomicWriteLeavesNoTemporaryFiles) {
  Checkpoint c;
  c.model_weights = {{"w", torch::ones({3})}};
  const std::string dir = test::makeTempDir("atomic");
  writeCheckpoint(dir + "/latest_model.pt", c);
  writeCheckpoint(dir + "/latest_model.pt", c);
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
  EXPECT_THROW(writeCheckpoint(dir + "/no/such/dir/x.pt", c), std::exception);
}

struct Tiny : torch::nn::Module {
  Tiny() {
    fc = register_module("fc", torch::nn::Linear(3, 2));
    bn = register_module("bn", torch::nn::BatchNorm1d(2));
  }
  torch::nn::Linear fc{nullptr};
  torch::nn::BatchNorm1d bn{nullptr};
};

TEST(StateDict, StrictLoadingListsEveryProblem) {
  Tiny m;
  StateDict sd = stateDict(m);
  std::vector<std::string> names;
  for (const auto& [n, t] : sd) names.push_back(n);
  EXPECT_EQ(names, (std::vector<std::string>{"fc.weight", "fc.bias", "bn.weight", "bn.bias",
                                             "bn.running_mean", "bn.running_var",
                                             "bn.num_batches_tracked"}));
  StateDict good;
  for (const auto& [n, t] : sd) good.emplace_back(n, torch::full_like(t, 2));
  loadStateDict(m, good, "good.pt");
  EXPECT_TRUE(m.fc->weight.equal(torch::full({2, 3}, 2.0f)));

  StateDict bad = good;
  bad.erase(bad.begin());                                   // missing fc.weight
  bad.emplace_back("extra.weight", torch::ones({1}));       // unexpected
  bad[0].second = torch::ones({5});                         // fc.bias mis-shaped
  try {
    loadStateDict(m, bad, "bad.pt");
    FAIL();
  } catch (const CheckpointError& e) {
    EXPECT_EQ(std::string(e.what()),
              "bad.pt: weights do not fit the model: shape mismatch: fc.bias (file [5], model [2]); "
              "missing: fc.weight; unexpected: extra.weight");
  }
  // Non-strict allows missing/unexpected keys but never a shape mismatch.
  StateDict partial(good.begin() + 1, good.end());
  partial.emplace_back("extra", torch::ones({1}));
  EXPECT_NO_THROW(loadStateDict(m, partial, "partial.pt", false));
  EXPECT_THROW(loadStateDict(m, bad, "bad.pt", false), CheckpointError);
}

}  // namespace
}  // namespace morphaeus
