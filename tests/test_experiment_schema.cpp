// The experiment file's own keys (core/config/experiment_schema.h): one table in the file's
// order, its defaults the ExperimentOptions struct's (upstream's seed 2109 and device gpu), each
// typed key reaching its field, the whole file's schema the table's with the synthetic_data block
// put in its place, and the seed read through the table.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/config/experiment_schema.h"
#include "core/config/yaml_loader.h"

namespace morphaeus {
namespace {

// What the options of an experiment file are: its text read as the loader reads a file.
ExperimentOptions optionsOf(const std::string& text) {
  return experimentOptions(loadYamlString(text, "experiment.yaml"));
}

TEST(ExperimentSchema, DefaultsAreTheStructsAndUpstreams) {
  const ExperimentOptions d;
  EXPECT_EQ(d.seed, 2109);  // upstream's seed
  EXPECT_EQ(d.device, "gpu");
  EXPECT_EQ(d.experiment.task, "train");
  const ExperimentOptions a = optionsOf("{name: m, experiment: {}}");
  EXPECT_EQ(a.name, "m");
  EXPECT_EQ(a.seed, d.seed);
  EXPECT_EQ(a.threads, 0);
  EXPECT_EQ(a.device, "gpu");
  EXPECT_EQ(a.experiment.task, "train");
  EXPECT_EQ(a.experiment.weights, "");
  EXPECT_FALSE(a.deterministic);
  EXPECT_EQ(a.output_dir, "");
  const Schema& s = experimentKeys().schema();
  EXPECT_EQ(std::get<std::int64_t>(s.find("seed")->fallback), 2109);
  EXPECT_EQ(std::get<std::string>(s.find("device")->fallback), "gpu");
  EXPECT_TRUE(s.find("name")->required);
  EXPECT_FALSE(s.find("name")->hasDefault());
  EXPECT_TRUE(s.find("experiment")->required);
  EXPECT_EQ(optionsOf("{name: m}").seed, 2109);
}

TEST(ExperimentSchema, EveryKeyReachesItsField) {
  const ExperimentOptions o = optionsOf(
      "{name: m, experiment: {name: e, task: test, weights: w.pt}, device: cpu, seed: 7, "
      "threads: 3, data_root: /d, output_dir: /o, deterministic: true}");
  EXPECT_EQ(o.experiment.name, "e");
  EXPECT_EQ(o.experiment.task, "test");
  EXPECT_EQ(o.experiment.weights, "w.pt");
  EXPECT_EQ(o.device, "cpu");
  EXPECT_EQ(o.seed, 7);
  EXPECT_EQ(o.threads, 3);
  EXPECT_EQ(o.data_root, "/d");
  EXPECT_EQ(o.output_dir, "/o");
  EXPECT_TRUE(o.deterministic);
  EXPECT_EQ(experimentSeed(loadYamlString("{name: m, seed: 11}", "e.yaml")), 11);
}

TEST(ExperimentSchema, TheFilesSchemaPutsTheSyntheticBlockInItsPlace) {
  Schema synthetic;
  synthetic.integer("size").describe("side");
  const Schema s = experimentSchema(synthetic);
  EXPECT_EQ(s.names(), experimentKeys().schema().names());
  EXPECT_EQ(s.names(),
            (std::vector<std::string>{
                "name", "target_size", "downstream_batch", "dbatch_size", "checkpoint_path",
                "experiment", "device", "configurator", "model", "trainer", "downstream_tasks",
                "synthetic_data", "seed", "threads", "data_root", "output_dir", "deterministic"}));
  const Field* block = s.find("synthetic_data");
  ASSERT_NE(block->schema, nullptr);
  EXPECT_EQ(block->schema->names(), (std::vector<std::string>{"size"}));
  EXPECT_EQ(block->doc, experimentKeys().schema().find("synthetic_data")->doc);
}

}  // namespace
}  // namespace morphaeus
