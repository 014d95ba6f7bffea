// The synthetic_data block's keys (core/registry/synthetic_data_keys.h): its defaults are the
// generator's SyntheticOptions, each key reaches its field, `out` is required.
#include <gtest/gtest.h>

#include <string>

#include "core/config/config_error.h"
#include "core/config/yaml_loader.h"
#include "core/registry/synthetic_data_keys.h"

namespace morphaeus {
namespace {

ConfigNode syntheticBlock(const std::string& text) {
  return loadYamlString(text, "synthetic.yaml");
}

TEST(SyntheticDataKeys, DefaultsAreTheGeneratorsAndEveryKeyReachesItsField) {
  const SyntheticOptions d;
  const SyntheticOptions a = syntheticDataKeys().read(syntheticBlock("{out: data}"));
  EXPECT_EQ(a.out, "data");
  EXPECT_EQ(a.n_train, d.n_train);
  EXPECT_EQ(a.size, d.size);
  EXPECT_EQ(a.seed, d.seed);
  EXPECT_TRUE(syntheticDataKeys().takesDefaults(syntheticBlock("{out: data}")));
  const Schema& s = syntheticDataKeys().schema();
  EXPECT_EQ(std::get<std::int64_t>(s.find("size")->fallback), d.size);
  EXPECT_EQ(s.find("size")->text(), "image side in pixels; default " + std::to_string(d.size));
  EXPECT_TRUE(s.find("out")->required);

  const SyntheticOptions b = syntheticDataKeys().read(syntheticBlock(
      "{out: x, n_train: 5, n_val: 6, n_test: 7, n_abnormal: 8, n_ood: 9, size: 32, seed: "
      "11}"));
  EXPECT_EQ(b.n_train, 5);
  EXPECT_EQ(b.n_val, 6);
  EXPECT_EQ(b.n_test, 7);
  EXPECT_EQ(b.n_abnormal, 8);
  EXPECT_EQ(b.n_ood, 9);
  EXPECT_EQ(b.size, 32);
  EXPECT_EQ(b.seed, 11u);
  for (const char* one : {"{out: x, n_train: 5}", "{out: x, size: 32}", "{out: x, seed: 11}"})
    EXPECT_FALSE(syntheticDataKeys().takesDefaults(syntheticBlock(one))) << one;
}

TEST(SyntheticDataKeys, AValueOutOfRangeIsOneErrorAtItsPlace) {
  try {
    syntheticDataKeys().read(syntheticBlock("{out: x, size: 8}"));
    ADD_FAILURE() << "size: 8 was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("synthetic.yaml:1:16"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace morphaeus
