// YAML loading: anchors/aliases, the !!python/tuple tag, PyYAML scalar typing, syntax errors.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "core/config/yaml_loader.h"

namespace morphaeus {
namespace {

TEST(ConfigLoading, AnchorsAndAliasesAreExpandedWithTheirOwnPaths) {
  ConfigNode root = loadYamlString(
      "size: &sz !!python/tuple [128, 96]\n"
      "batch: &b 64\n"
      "trainer:\n"
      "  input_size: *sz\n"
      "  batch: *b\n",
      "a.yaml");
  const ConfigNode& input = root.at("trainer").at("input_size");
  ASSERT_TRUE(input.isSequence());
  EXPECT_EQ(input.asIntList(), (std::vector<std::int64_t>{128, 96}));
  EXPECT_EQ(input.path(), "trainer.input_size");
  EXPECT_EQ(root.at("trainer").at("batch").asInt(), 64);
}

TEST(ConfigLoading, PythonTupleTagIsAList) {
  ConfigNode root = loadYamlString("t: !!python/tuple [1, 2]\n", "t.yaml");
  EXPECT_EQ(root.at("t").tag(), "tuple");
  EXPECT_EQ(root.at("t").asIntList(), (std::vector<std::int64_t>{1, 2}));
}

TEST(ConfigLoading, ScalarsAreTypedLikePyYaml) {
  ConfigNode root = loadYamlString(
      "a: True\nb: no\nc: 5.0e-4\nd: 42\ne: '42'\nf:\ng: ~\nh: text\ni: 5e-4\nj: -3\nk: .inf\n",
      "s.yaml");
  EXPECT_EQ(root.at("a").scalarType(), ScalarType::Bool);
  EXPECT_TRUE(root.at("a").asBool());
  EXPECT_FALSE(root.at("b").asBool());
  EXPECT_DOUBLE_EQ(root.at("c").asDouble(), 5.0e-4);
  EXPECT_EQ(root.at("d").asInt(), 42);
  EXPECT_EQ(root.at("e").scalarType(), ScalarType::String);  // quoted stays text
  EXPECT_TRUE(root.at("f").isNull());
  EXPECT_TRUE(root.at("g").isNull());
  EXPECT_EQ(root.at("h").scalarType(), ScalarType::String);
  EXPECT_DOUBLE_EQ(root.at("i").asDouble(), 5e-4);
  EXPECT_EQ(root.at("j").asInt(), -3);
  EXPECT_TRUE(std::isinf(root.at("k").asDouble()));
  EXPECT_EQ(root.getInt("missing", 7), 7);
  EXPECT_EQ(root.getInt("g", 7), 7);  // null means "use the default"
}

TEST(ConfigLoading, LocationsAreOneBased) {
  ConfigNode root = loadYamlString("a:\n  b: 3\n", "loc.yaml");
  EXPECT_EQ(root.at("a").at("b").where().str(), "loc.yaml:2:6");
}

TEST(ConfigLoading, SyntaxErrorNamesFileLineAndColumn) {
  try {
    loadYamlString("a: [1, 2\nb: 3\n", "bad.yaml");
    FAIL() << "expected a syntax error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("bad.yaml:", 0), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find("YAML syntax error"), std::string::npos) << e.what();
    EXPECT_GT(e.where().line, 0);
  }
}

TEST(ConfigLoading, DuplicateKeyIsAnError) {
  try {
    loadYamlString("a: 1\nb: 2\na: 3\n", "dup.yaml");
    FAIL() << "expected an error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "dup.yaml:3:1: a: duplicate key (first given at dup.yaml:1:4)");
  }
}

TEST(ConfigLoading, UnknownTagsAreRejected) {
  EXPECT_THROW(loadYamlString("a: !!python/object:os.system [ls]\n", "tag.yaml"), ConfigError);
}

TEST(ConfigLoading, MissingFileIsAConfigError) {
  try {
    loadYamlFile("/nonexistent/dir/x.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/dir/x.yaml: cannot read the configuration file");
  }
}

TEST(ConfigLoading, TopLevelMustBeAMap) {
  EXPECT_THROW(loadYamlString("- a\n- b\n", "list.yaml"), ConfigError);
}

TEST(ConfigLoading, UpstreamMorphaeusConfigLoadsUnchanged) {
  ConfigNode root = loadYamlFile(MORPHAEUS_SOURCE_DIR "/tests/data/upstream_morphaeus.yaml");
  EXPECT_EQ(root.at("name").asString(), "MorphAEus");
  const ConfigNode& params = root.at("model").at("params");
  EXPECT_EQ(params.at("inshape").asIntList(), (std::vector<std::int64_t>{128, 128}));
  EXPECT_EQ(params.at("channels").asIntList(),
            (std::vector<std::int64_t>{16, 32, 64, 128, 256, 256, 256}));
  EXPECT_TRUE(params.at("bidir").asBool());
  EXPECT_DOUBLE_EQ(root.at("trainer").at("params").at("optimizer_params").at("lr").asDouble(), 5e-4);
  const ConfigNode& task = root.at("downstream_tasks").at("pneumonia");
  EXPECT_EQ(task.at("data_loader").at("params").at("args").at("batch_size").asInt(), 1);
  EXPECT_EQ(task.at("checkpoint_path").asString(), "./weights/23_morphaeus/cxr/");
}

// Nine levels of nine aliases each: 9^9 (387 million) scalars once expanded, from 600 bytes.
std::string aliasBomb() {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level < 9; ++level) {
    const std::string prev = "*a" + std::to_string(level - 1);
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int k = 0; k < 9; ++k) text += (k ? ", " : "") + prev;
    text += "]\n";
  }
  return text + "name: x\n";
}

TEST(ConfigLoading, AliasBombIsRefusedWithItsLocation) {
  try {
    loadYamlString(aliasBomb(), "bomb.yaml");
    FAIL() << "the alias bomb loaded";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where().file, "bomb.yaml");
    EXPECT_GT(e.where().line, 0);
    EXPECT_NE(std::string(e.what()).find("more than 100000 values"), std::string::npos) << e.what();
  }
  // The same limit for a command-line value: the bomb as one flow map.
  std::string flow = "{";
  std::istringstream lines(aliasBomb());
  for (std::string line; std::getline(lines, line);) flow += (flow.size() > 1 ? ", " : "") + line;
  flow += "}";
  try {
    parseYamlValue(flow, Location{"--set a", 0, 0}, "a");
    FAIL() << "the flow alias bomb loaded";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("more than 100000 values"), std::string::npos) << e.what();
  }
}

TEST(ConfigLoading, SharedAliasesWithinTheLimitLoad) {
  // Three levels of nine: 729 values, far under the limit, each with its own path.
  std::string text =
      "a0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9]\na1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\n"
      "a2: [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\n";
  ConfigNode root = loadYamlString(text, "ok.yaml");
  EXPECT_EQ(root.at("a2").items().size(), 9u);
  EXPECT_EQ(root.at("a2").items()[8].items()[8].items()[8].asInt(), 9);
  EXPECT_EQ(root.at("a2").items()[8].items()[8].items()[8].path(), "a2[8][8][8]");
}

TEST(ConfigLoading, DeepNestingAndHugeFilesAreRefused) {
  const std::string deep = "a: " + std::string(100, '[') + std::string(100, ']') + "\n";
  try {
    loadYamlString(deep, "deep.yaml");
    FAIL() << "100 nested lists loaded";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where().file, "deep.yaml");
  }
  const std::string huge = "a: '" + std::string(kMaxConfigBytes, 'x') + "'\n";
  EXPECT_THROW(loadYamlString(huge, "huge.yaml"), ConfigError);
  EXPECT_THROW(
      parseYamlValue(std::string(kMaxConfigBytes + 1, '1'), Location{"--set a", 0, 0}, "a"),
      ConfigError);
  // Many keys (each checked for duplicates) load quickly: no quadratic search.
  std::string many;
  for (int i = 0; i < 20000; ++i) many += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  EXPECT_EQ(loadYamlString(many, "many.yaml").entries().size(), 20000u);
  EXPECT_THROW(loadYamlString(many + "k7: 1\n", "dup.yaml"), ConfigError);
}

TEST(ConfigLoading, ToYamlRoundTrips) {
  ConfigNode root = loadYamlString("a: [1, 2]\nb: {c: 'x y', d: null}\ne: '5'\n", "r.yaml");
  ConfigNode again = loadYamlString(root.toYaml(), "again.yaml");
  EXPECT_EQ(again.at("a").asIntList(), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(again.at("b").at("c").asString(), "x y");
  EXPECT_TRUE(again.at("b").at("d").isNull());
  EXPECT_EQ(again.at("e").scalarType(), ScalarType::String);
}

}  // namespace
}  // namespace morphaeus
