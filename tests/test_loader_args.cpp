// A data loader's args, declared once (core/registry/loader_args.h): the struct's defaults when
// the keys are absent, every key reaching its field, a downstream dataset entry's keys winning
// over the args (upstream's {**args, **dataset}) and the schema of those entries.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/config/config_error.h"
#include "core/config/yaml_loader.h"
#include "core/registry/loader_args.h"

namespace morphaeus {
namespace {

ConfigNode yaml(const std::string& text) {
  return loadYamlString(text, "args.yaml");
}

TEST(LoaderArgs, AbsentKeysLeaveTheStructsDefaults) {
  const LoaderArgs a = loaderArgs(yaml("{}"), nullptr);
  const LoaderArgs d;
  EXPECT_EQ(a.target_size, d.target_size);
  EXPECT_EQ(a.target_size, (std::vector<std::int64_t>{64, 64}));
  EXPECT_EQ(a.batch_size, d.batch_size);
  EXPECT_FALSE(a.num_workers.has_value());
  EXPECT_FALSE(a.skip_bad);
  EXPECT_FALSE(a.cache);
  EXPECT_TRUE(a.data_dir.train.empty());
  EXPECT_TRUE(loaderArgsKeys().takesDefaults(yaml("{}")));
  const Schema& s = loaderArgsKeys().schema();
  EXPECT_EQ(std::get<std::int64_t>(s.find("batch_size")->fallback), d.batch_size);
  EXPECT_EQ(std::get<std::string>(s.find("on_bad_image")->fallback), "fail");
  EXPECT_FALSE(s.find("num_workers")->hasDefault());
}

TEST(LoaderArgs, EveryKeyReachesItsField) {
  const LoaderArgs a = loaderArgs(
      yaml("{data_dir: {train: [a.csv, b.csv], test: [t.csv]}, label_dir: {test: [m.csv]}, "
           "file_type: '*.png', target_size: [32, 48], batch_size: 3, num_workers: 0, "
           "on_bad_image: skip, cache: true}"),
      nullptr);
  EXPECT_EQ(a.data_dir.train, (std::vector<std::string>{"a.csv", "b.csv"}));
  EXPECT_EQ(a.data_dir.of("test"), (std::vector<std::string>{"t.csv"}));
  EXPECT_TRUE(a.data_dir.val.empty());
  EXPECT_EQ(a.label_dir.of("test"), (std::vector<std::string>{"m.csv"}));
  EXPECT_EQ(a.file_type, "*.png");
  EXPECT_EQ(a.target_size, (std::vector<std::int64_t>{32, 48}));
  EXPECT_EQ(a.batch_size, 3);
  EXPECT_EQ(a.num_workers, std::optional<std::int64_t>(0));
  EXPECT_TRUE(a.skip_bad);
  EXPECT_TRUE(a.cache);
  for (const char* one :
       {"{batch_size: 3}", "{on_bad_image: skip}", "{cache: true}", "{target_size: [32, 32]}"})
    EXPECT_FALSE(loaderArgsKeys().takesDefaults(yaml(one))) << one;
}

TEST(LoaderArgs, ADatasetEntrysKeysWinOverTheArgs) {
  const ConfigNode args = yaml("{target_size: [128, 128], batch_size: 16, cache: true}");
  const ConfigNode entry =
      yaml("{data_dir: {test: [normal.csv]}, target_size: [64, 64], batch_size: ~}");
  const LoaderArgs a = loaderArgs(args, &entry);
  EXPECT_EQ(a.target_size, (std::vector<std::int64_t>{64, 64}));
  EXPECT_EQ(a.batch_size, 16) << "a null entry value leaves the args' value";
  EXPECT_TRUE(a.cache);
  EXPECT_EQ(a.data_dir.test, (std::vector<std::string>{"normal.csv"}));
  // The merged map keeps each key's place in its file, to name it in messages.
  const ConfigNode merged = loaderArgsNode(args, &entry);
  EXPECT_EQ(merged.at("target_size").where().line, entry.at("target_size").where().line);
  EXPECT_EQ(merged.at("target_size").where().column, entry.at("target_size").where().column);
}

TEST(LoaderArgs, AValueOutOfRangeIsOneErrorAtItsPlace) {
  try {
    loaderArgs(yaml("{batch_size: 0}"), nullptr);
    ADD_FAILURE() << "batch_size: 0 was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("args.yaml:1:14"), std::string::npos) << e.what();
  }
  const Schema datasets = csvDatasetsSchema();
  const Field* entry = datasets.find("datasets")->element.get();
  ASSERT_NE(entry, nullptr);
  EXPECT_TRUE(entry->schema->find("data_dir")->required);
  EXPECT_FALSE(loaderArgsKeys().schema().find("data_dir")->required);
}

}  // namespace
}  // namespace morphaeus
