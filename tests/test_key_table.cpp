// KeyTable: one line per key gives the schema (type, range, the struct's default in the field and
// its doc), the reader (validated values into the struct's fields, nested ones through a lambda)
// and the defaults check; a value out of range is the validator's one-line error at its place.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/config/config_error.h"
#include "core/config/key_table.h"
#include "core/config/validator.h"
#include "core/config/yaml_loader.h"

namespace morphaeus {
namespace {

struct Inner {
  double alfa = 0.05;
};

struct SampleOptions {
  int channels = 16;  // an int field read from an integer key
  std::int64_t epochs = 500;
  double lr = 5e-4;
  bool sampling = true;
  std::string mode = "stride";
  Inner inner;
  std::vector<std::int64_t> sizes;  // read by hand
};

bool operator==(const SampleOptions& a, const SampleOptions& b) {
  return a.channels == b.channels && a.epochs == b.epochs && a.lr == b.lr &&
         a.sampling == b.sampling && a.mode == b.mode && a.inner.alfa == b.inner.alfa &&
         a.sizes == b.sizes;
}

const KeyTable<SampleOptions>& sampleKeys() {
  static const KeyTable<SampleOptions> keys = [] {
    KeyTable<SampleOptions> k;
    k.integer("channels", &SampleOptions::channels).atLeast(1).describe("first block's channels");
    k.integer("epochs", &SampleOptions::epochs).atLeast(1);
    k.number("lr", &SampleOptions::lr).above(0).describe("learning rate");
    k.boolean("sampling", &SampleOptions::sampling).describe("sample at evaluation");
    k.choice("mode", {"stride", "upsample"}, &SampleOptions::mode).describe("how to go up");
    k.number("alfa", [](SampleOptions& o) -> double& { return o.inner.alfa; }).atLeast(0);
    k.schema().list("sizes", ValueType::Int).eachAtLeast(1).describe("read by hand");
    k.finish([](const TypedParams& p, SampleOptions& o) { o.sizes = p.getIntList("sizes"); });
    return k;
  }();
  return keys;
}

ConfigNode params(const std::string& yaml) {
  return loadYamlString(yaml, "params.yaml");
}

TEST(KeyTable, TheSchemaHoldsTheStructsDefaultsInOrder) {
  const Schema& s = sampleKeys().schema();
  EXPECT_EQ(s.names(), (std::vector<std::string>{"channels", "epochs", "lr", "sampling", "mode",
                                                 "alfa", "sizes"}));
  const SampleOptions d;
  EXPECT_EQ(std::get<std::int64_t>(s.find("channels")->fallback), d.channels);
  EXPECT_EQ(std::get<std::int64_t>(s.find("epochs")->fallback), d.epochs);
  EXPECT_EQ(std::get<double>(s.find("lr")->fallback), d.lr);
  EXPECT_EQ(std::get<bool>(s.find("sampling")->fallback), d.sampling);
  EXPECT_EQ(std::get<std::string>(s.find("mode")->fallback), d.mode);
  EXPECT_EQ(std::get<double>(s.find("alfa")->fallback), d.inner.alfa);
  EXPECT_FALSE(s.find("sizes")->hasDefault());
  // The doc line keeps the default whether it is described before or after it is set.
  EXPECT_EQ(s.find("channels")->text(), "first block's channels; default 16");
  EXPECT_EQ(s.find("epochs")->text(), "default 500");
  EXPECT_EQ(s.find("mode")->text(), "how to go up; default stride");
  EXPECT_EQ(s.find("lr")->min, 0.0);
  EXPECT_TRUE(s.find("lr")->min_exclusive);
}

TEST(KeyTable, TheReaderSetsEveryFieldAndTheDefaultsCheckSeesEachKey) {
  const auto& keys = sampleKeys();
  EXPECT_EQ(keys.read(params("{}")), SampleOptions{});
  EXPECT_TRUE(keys.takesDefaults(params("{}")));
  const SampleOptions o =
      keys.read(params("{channels: 8, epochs: 3, lr: 0.1, sampling: false, mode: upsample, alfa: "
                       "0, sizes: [2, 4]}"));
  EXPECT_EQ(o.channels, 8);
  EXPECT_EQ(o.epochs, 3);
  EXPECT_EQ(o.lr, 0.1);
  EXPECT_FALSE(o.sampling);
  EXPECT_EQ(o.mode, "upsample");
  EXPECT_EQ(o.inner.alfa, 0.0);
  EXPECT_EQ(o.sizes, (std::vector<std::int64_t>{2, 4}));
  for (const char* one : {"{channels: 8}", "{epochs: 3}", "{lr: 0.1}", "{sampling: false}",
                          "{mode: upsample}", "{alfa: 0}"})
    EXPECT_FALSE(keys.takesDefaults(params(one))) << one;
  EXPECT_TRUE(keys.takesDefaults(params("{channels: 16, sizes: [3]}")))
      << "a key without a default is not the defaults check's business";
}

TEST(KeyTable, AValueOutOfRangeIsOneErrorAtItsPlace) {
  const auto& keys = sampleKeys();
  for (const auto& [yaml, message] :
       std::vector<std::pair<std::string, std::string>>{{"{channels: 0}", "params.yaml:1:12"},
                                                        {"{lr: 0}", "params.yaml:1:6"},
                                                        {"{mode: sideways}", "params.yaml:1:8"}}) {
    try {
      keys.read(params(yaml));
      ADD_FAILURE() << yaml << " was accepted";
    } catch (const ConfigError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(message), std::string::npos) << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  }
}

// The other kinds of declaration: a required key, a list, a name mapped to an enum, an optional
// field set only when given, a sub-struct's keys among these and a nested params map.
enum class Warp { Native, GridSample };

struct Solver {
  double lr = 1e-3;
  bool amsgrad = false;
};

struct Block {
  std::int64_t in_channels = 1;
  std::vector<std::int64_t> strides{2, 2};
};

struct ComposedOptions {
  Block block;
  Warp warp = Warp::GridSample;
  std::optional<bool> train_mode;
  Solver solver;
};

const KeyTable<Block>& blockKeys() {
  static const KeyTable<Block> keys = [] {
    KeyTable<Block> k;
    k.integer("in_channels", &Block::in_channels).atLeast(1).require();
    k.integers("strides", &Block::strides).eachAtLeast(1);
    return k;
  }();
  return keys;
}

const KeyTable<ComposedOptions>& composedKeys() {
  static const KeyTable<ComposedOptions> keys = [] {
    KeyTable<Solver> solver;
    solver.number("lr", &Solver::lr).above(0);
    solver.boolean("amsgrad", &Solver::amsgrad);
    KeyTable<ComposedOptions> k;
    k.include(blockKeys(), &ComposedOptions::block);
    k.named("warp", {{"native", Warp::Native}, {"grid_sample", Warp::GridSample}},
            &ComposedOptions::warp);
    k.named("mode", {{"eval", false}, {"train", true}}, &ComposedOptions::train_mode);
    k.map("solver", solver, &ComposedOptions::solver);
    return k;
  }();
  return keys;
}

TEST(KeyTable, RequiredListsNamesOptionalsSubStructsAndNestedMaps) {
  const auto& keys = composedKeys();
  const Schema& s = keys.schema();
  EXPECT_EQ(s.names(),
            (std::vector<std::string>{"in_channels", "strides", "warp", "mode", "solver"}));
  EXPECT_TRUE(s.find("in_channels")->required);
  EXPECT_FALSE(s.find("in_channels")->hasDefault()) << "require() drops the struct's default";
  EXPECT_EQ(s.find("in_channels")->text(), "");
  EXPECT_EQ(std::get<std::string>(s.find("warp")->fallback), "grid_sample");
  EXPECT_EQ(s.find("warp")->choices, (std::vector<std::string>{"native", "grid_sample"}));
  EXPECT_FALSE(s.find("mode")->hasDefault()) << "an optional field has no default";
  ASSERT_TRUE(s.find("solver")->schema);
  EXPECT_EQ(std::get<double>(s.find("solver")->schema->find("lr")->fallback), 1e-3);

  const ComposedOptions base = keys.read(params("{in_channels: 3}"));
  EXPECT_EQ(base.block.in_channels, 3);
  EXPECT_EQ(base.block.strides, (std::vector<std::int64_t>{2, 2})) << "an absent list stays";
  EXPECT_EQ(base.warp, Warp::GridSample);
  EXPECT_FALSE(base.train_mode.has_value());
  EXPECT_EQ(base.solver.lr, 1e-3);
  EXPECT_TRUE(keys.takesDefaults(params("{in_channels: 3}")))
      << "a required key is not the defaults check's business";

  const ComposedOptions o = keys.read(
      params("{in_channels: 1, strides: [4], warp: native, mode: train, solver: {lr: 0.5, amsgrad: "
             "true}}"));
  EXPECT_EQ(o.block.strides, (std::vector<std::int64_t>{4}));
  EXPECT_EQ(o.warp, Warp::Native);
  ASSERT_TRUE(o.train_mode.has_value());
  EXPECT_TRUE(*o.train_mode);
  EXPECT_EQ(o.solver.lr, 0.5);
  EXPECT_TRUE(o.solver.amsgrad);
  for (const char* one :
       {"{in_channels: 1, strides: [4]}", "{in_channels: 1, warp: native}",
        "{in_channels: 1, solver: {lr: 0.5}}", "{in_channels: 1, solver: {amsgrad: true}}"})
    EXPECT_FALSE(keys.takesDefaults(params(one))) << one;
  EXPECT_TRUE(keys.takesDefaults(params("{in_channels: 1, mode: eval, solver: {}}")));

  try {
    keys.read(params("{in_channels: 1, solver: {lr: 0}}"));
    ADD_FAILURE() << "lr: 0 was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("params.yaml:1:31"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace morphaeus
