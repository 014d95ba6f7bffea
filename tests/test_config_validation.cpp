// Schema validation: every error class with its exact one-line message shape.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/config/validator.h"
#include "core/config/yaml_loader.h"
#include "core/registry/registry.h"

namespace morphaeus {
namespace {

Registry testRegistry() {
  Registry r;
  ComponentSpec net;
  net.kind = ComponentKind::Model;
  net.name = {"model_zoo.net", "Net"};
  net.aliases = {{"model_zoo.old_net", "Net"}};
  net.params.integer("channels").atLeast(1).require();
  net.params.enumeration("act", {"swish", "relu"});
  r.add(std::move(net));
  ComponentSpec other;
  other.kind = ComponentKind::Model;
  other.name = {"model_zoo.other", "Other"};
  r.add(std::move(other));
  ComponentSpec trainer;
  trainer.kind = ComponentKind::Trainer;
  trainer.name = {"trainers.t", "T"};
  Schema opt;
  opt.number("lr").atLeast(0).require();
  trainer.params.map("optimizer_params", opt).require();
  trainer.params.integer("nr_epochs").atLeast(1);
  r.add(std::move(trainer));
  return r;
}

Schema rootSchema() {
  Schema s;
  s.string("name").require();
  s.enumeration("device", {"gpu", "cpu"});
  s.path("weights");
  s.boolean("flag");
  s.list("size", ValueType::Int).ofLength(2);
  s.path("checkpoint_path").ignore("upstream output folder");
  s.component("model", ComponentKind::Model).require();
  s.component("trainer", ComponentKind::Trainer);
  return s;
}

std::string firstError(const std::string& yaml) {
  ConfigNode root = loadYamlString(yaml, "cfg.yaml");
  try {
    validateConfig(root, rootSchema(), testRegistry(), "/base");
  } catch (const ConfigErrors& e) {
    return e.errors().front().what();
  }
  return "";
}

const char* kModel = "model: {module_name: model_zoo.net, class_name: Net, params: {channels: 4}}\n";

TEST(ConfigValidation, ValidConfigPassesAndResolvesPaths) {
  ConfigNode root = loadYamlString(std::string("name: x\nweights: w/best.pt\ncheckpoint_path: c\n") +
                                       kModel, "cfg.yaml");
  ValidationReport report = validateConfig(root, rootSchema(), testRegistry(), "/base/configs");
  EXPECT_EQ(root.at("weights").asString(), "/base/configs/w/best.pt");
  ASSERT_EQ(report.ignored.size(), 1u);
  EXPECT_EQ(report.ignored[0], "checkpoint_path: upstream output folder");
}

TEST(ConfigValidation, WrongTypeNamesFileLineColumnAndKeyPath) {
  const std::string yaml = std::string("name: x\n") + kModel +
                           "trainer:\n"
                           "  module_name: trainers.t\n"
                           "  class_name: T\n"
                           "  params:\n"
                           "    optimizer_params:\n"
                           "      lr: fast\n";
  EXPECT_EQ(firstError(yaml),
            "cfg.yaml:8:11: trainer.params.optimizer_params.lr: expected a number, got \"fast\"");
}

TEST(ConfigValidation, IntegerFieldRejectsFloatsAndRanges) {
  EXPECT_EQ(firstError("name: x\nmodel: {module_name: model_zoo.net, class_name: Net, params: {channels: 2.5}}\n"),
            "cfg.yaml:2:73: model.params.channels: expected an integer, got \"2.5\"");
  EXPECT_EQ(firstError("name: x\nmodel: {module_name: model_zoo.net, class_name: Net, params: {channels: 0}}\n"),
            "cfg.yaml:2:73: model.params.channels: expected a value at least 1, got 0");
}

TEST(ConfigValidation, UnknownKeySuggestsTheNearestAndListsAllowed) {
  EXPECT_EQ(firstError(std::string("name: x\ndevise: gpu\n") + kModel),
            "cfg.yaml:2:9: devise: unknown key; did you mean \"device\"? (allowed: name, device, "
            "weights, flag, size, checkpoint_path, model, trainer)");
}

TEST(ConfigValidation, UnknownParamKeyInsideComponent) {
  EXPECT_EQ(firstError("name: x\nmodel: {module_name: model_zoo.net, class_name: Net, params: {channels: 4, chanels: 3}}\n"),
            "cfg.yaml:2:85: model.params.chanels: unknown key; did you mean \"channels\"? "
            "(allowed: channels, act)");
}

TEST(ConfigValidation, MissingRequiredKey) {
  EXPECT_EQ(firstError(kModel), "cfg.yaml:1:1: missing required key \"name\"");
  EXPECT_EQ(firstError("name: x\nmodel: {module_name: model_zoo.net, class_name: Net, params: {act: relu}}\n"),
            "cfg.yaml:2:62: model.params: missing required key \"channels\"");
  EXPECT_EQ(firstError("name: x\nmodel: {module_name: model_zoo.net, class_name: Net}\n"),
            "cfg.yaml:2:8: model: missing required key params.channels");
}

TEST(ConfigValidation, EnumListsAllowedValues) {
  EXPECT_EQ(firstError(std::string("name: x\ndevice: gpx\n") + kModel),
            "cfg.yaml:2:9: device: expected one of [gpu, cpu], got \"gpx\"; did you mean \"gpu\"?");
}

TEST(ConfigValidation, UnknownModuleListsRegistered) {
  EXPECT_EQ(firstError("name: x\nmodel: {module_name: model_zoo.nett, class_name: Net}\n"),
            "cfg.yaml:2:8: model: unknown model \"model_zoo.nett/Net\"; did you mean "
            "\"model_zoo.net/Net\"? (registered: model_zoo.net/Net, model_zoo.old_net/Net, "
            "model_zoo.other/Other)");
}

TEST(ConfigValidation, AliasResolvesToTheSameComponent) {
  ConfigNode root = loadYamlString(
      "name: x\nmodel: {module_name: model_zoo.old_net, class_name: Net, params: {channels: 1}}\n",
      "cfg.yaml");
  EXPECT_NO_THROW(validateConfig(root, rootSchema(), testRegistry(), ""));
}

TEST(ConfigValidation, ListLengthAndBooleans) {
  EXPECT_EQ(firstError(std::string("name: x\nsize: [1, 2, 3]\n") + kModel),
            "cfg.yaml:2:7: size: expected a list of 2 values, got 3");
  EXPECT_EQ(firstError(std::string("name: x\nflag: maybe\n") + kModel),
            "cfg.yaml:2:7: flag: expected a boolean (true/false), got \"maybe\"");
}

TEST(ConfigValidation, AllProblemsAreReportedOneLineEach) {
  ConfigNode root = loadYamlString(std::string("device: x\nflag: 3\n") + kModel, "cfg.yaml");
  try {
    validateConfig(root, rootSchema(), testRegistry(), "");
    FAIL();
  } catch (const ConfigErrors& e) {
    EXPECT_EQ(e.errors().size(), 3u);
    const std::string all = e.what();
    EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 2);
  }
}

// Inputs named relative to upstream's base (the working directory) or a data root are found
// there when the config's folder does not hold them; outputs, and paths that climb out ("../"),
// stay relative to the config's folder.
TEST(ConfigValidation, InputPathsFallBackToTheSearchFoldersWhereTheFileExists) {
  namespace fs = std::filesystem;
  const fs::path base = fs::temp_directory_path() / ("inputs-" + std::to_string(::getpid()));
  fs::create_directories(base / "cfg");
  fs::create_directories(base / "root" / "data");
  std::ofstream(base / "root" / "data" / "a.csv") << "filename\n";
  std::ofstream(base / "cfg" / "b.csv") << "filename\n";
  std::ofstream(base / "root" / "b.csv") << "filename\n";
  fs::create_directories(base / "s1" / "s2");
  std::ofstream(base / "s1" / "t.csv") << "filename\n";  // ../t.csv from s1/s2, not from cfg
  Schema s;
  s.inputPath("a").require();
  s.inputPath("b").require();
  s.inputPath("missing").require();
  s.inputPath("climbs").require();
  s.path("out").require();
  ConfigNode root = loadYamlString(
      "a: ./data/a.csv\nb: b.csv\nmissing: none.csv\nclimbs: ../t.csv\nout: ./data/a.csv\n",
      "cfg.yaml");
  validateConfig(root, s, Registry(), (base / "cfg").string(),
                 {"", (base / "root").string(), (base / "s1" / "s2").string()});
  EXPECT_EQ(root.at("a").asString(), (base / "root" / "data" / "a.csv").string());
  EXPECT_EQ(root.at("b").asString(), (base / "cfg" / "b.csv").string());  // the config's first
  EXPECT_EQ(root.at("missing").asString(), (base / "cfg" / "none.csv").string());
  EXPECT_EQ(root.at("climbs").asString(), (base / "t.csv").string());
  EXPECT_EQ(root.at("out").asString(), (base / "cfg" / "data" / "a.csv").string());
  fs::remove_all(base);
}

}  // namespace
}  // namespace morphaeus
