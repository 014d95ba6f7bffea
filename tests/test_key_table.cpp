// KeyTable: one line per key gives the schema (type, range, the struct's default in the field and
// its doc), the reader (validated values into the struct's fields, nested ones through a lambda)
// and the defaults check; a value out of range is the validator's one-line error at its place.
#include <gtest/gtest.h>

#include <string>

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
  EXPECT_EQ(s.find("channels")->doc, "first block's channels; default 16");
  EXPECT_EQ(s.find("epochs")->doc, "default 500");
  EXPECT_EQ(s.find("mode")->doc, "how to go up; default stride");
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

}  // namespace
}  // namespace morphaeus
