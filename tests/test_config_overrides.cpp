// --set overrides: typed like the value they replace.
#include <gtest/gtest.h>

#include "core/config/overrides.h"
#include "core/config/yaml_loader.h"

namespace morphaeus {
namespace {

ConfigNode sample() {
  return loadYamlString(
      "name: run\n"
      "trainer:\n"
      "  params:\n"
      "    nr_epochs: 500\n"
      "    lr: 5.0e-4\n"
      "    flag: True\n"
      "    size: !!python/tuple [128, 128]\n"
      "    empty:\n",
      "o.yaml");
}

std::string overrideError(const std::string& assignment) {
  ConfigNode root = sample();
  try {
    applyOverride(root, assignment);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigOverrides, IntegerStaysInteger) {
  ConfigNode root = sample();
  applyOverride(root, "trainer.params.nr_epochs=5");
  EXPECT_EQ(root.at("trainer").at("params").at("nr_epochs").asInt(), 5);
  EXPECT_EQ(overrideError("trainer.params.nr_epochs=fast"),
            "--set trainer.params.nr_epochs=fast: trainer.params.nr_epochs: expected an integer "
            "like the value it replaces (o.yaml:4:16), got \"fast\"");
  EXPECT_NE(overrideError("trainer.params.nr_epochs=2.5"), "");
}

TEST(ConfigOverrides, NumberAcceptsIntegersAndFloats) {
  ConfigNode root = sample();
  applyOverride(root, "trainer.params.lr=1");
  EXPECT_DOUBLE_EQ(root.at("trainer").at("params").at("lr").asDouble(), 1.0);
  applyOverride(root, "trainer.params.lr=1e-3");
  EXPECT_DOUBLE_EQ(root.at("trainer").at("params").at("lr").asDouble(), 1e-3);
  EXPECT_NE(overrideError("trainer.params.lr=abc"), "");
}

TEST(ConfigOverrides, BooleanStringListAndNull) {
  ConfigNode root = sample();
  applyOverride(root, "trainer.params.flag=false");
  EXPECT_FALSE(root.at("trainer").at("params").at("flag").asBool());
  EXPECT_NE(overrideError("trainer.params.flag=1"), "");

  applyOverride(root, "name=123");  // a string stays a string, verbatim
  EXPECT_EQ(root.at("name").scalarType(), ScalarType::String);
  EXPECT_EQ(root.at("name").asString(), "123");

  applyOverride(root, "trainer.params.size=[64, 32]");
  EXPECT_EQ(root.at("trainer").at("params").at("size").asIntList(),
            (std::vector<std::int64_t>{64, 32}));
  EXPECT_NE(overrideError("trainer.params.size=64"), "");

  applyOverride(root, "trainer.params.size.1=16");
  EXPECT_EQ(root.at("trainer").at("params").at("size").asIntList(),
            (std::vector<std::int64_t>{64, 16}));

  applyOverride(root, "trainer.params.empty=3");  // null takes anything
  EXPECT_EQ(root.at("trainer").at("params").at("empty").asInt(), 3);
}

TEST(ConfigOverrides, NewKeysAreAddedForTheSchemaToJudge) {
  ConfigNode root = sample();
  applyOverride(root, "trainer.params.new_key=7");
  EXPECT_EQ(root.at("trainer").at("params").at("new_key").asInt(), 7);
  applyOverride(root, "extra.nested.value=x");
  EXPECT_EQ(root.at("extra").at("nested").at("value").asString(), "x");
  EXPECT_EQ(root.at("extra").at("nested").at("value").where().str(), "--set extra.nested.value=x");
}

TEST(ConfigOverrides, MalformedAssignments) {
  EXPECT_EQ(overrideError("no_equals_sign"), "--set no_equals_sign: expected key.path=value");
  EXPECT_NE(overrideError("=5"), "");
  EXPECT_NE(overrideError("a..b=5"), "");
  // A dot at either end is an empty component too (a trailing one was once dropped silently:
  // "trainer.params.=3" replaced the whole params map).
  EXPECT_NE(overrideError("trainer.params.=3").find("empty component in the key path"),
            std::string::npos);
  EXPECT_NE(overrideError(".name=3").find("empty component in the key path"), std::string::npos);
  EXPECT_NE(overrideError("name.sub=5"), "");  // name is a string, not a map
  EXPECT_NE(overrideError("trainer.params.size.5=1"), "");
}

}  // namespace
}  // namespace morphaeus
