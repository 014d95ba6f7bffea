#include "core/registry/loader_args.h"

namespace morphaeus {

const std::vector<std::string>& SplitLists::of(const std::string& split) const {
  return split == "train" ? train : split == "val" ? val : test;
}

namespace {

const KeyTable<SplitLists>& splitListsKeys() {
  static const KeyTable<SplitLists> keys = [] {
    KeyTable<SplitLists> k;
    for (auto [split, at] :
         {std::pair{"train", &SplitLists::train}, std::pair{"val", &SplitLists::val},
          std::pair{"test", &SplitLists::test}}) {
      k.inputPaths(split, at).describe("CSV files (column `filename`) or image folders");
    }
    return k;
  }();
  return keys;
}

}  // namespace

const KeyTable<LoaderArgs>& loaderArgsKeys() {
  using O = LoaderArgs;
  static const KeyTable<O> keys = [] {
    KeyTable<O> k;
    k.map("data_dir", splitListsKeys(), &O::data_dir);
    k.map("label_dir", splitListsKeys(), &O::label_dir)
        .describe("mask files matching data_dir row by row");
    k.string("file_type", &O::file_type).describe("glob for image folders, e.g. *.png");
    k.integers("target_size", &O::target_size).ofLength(2).eachAtLeast(1).describe("(rows, cols)");
    k.integer("batch_size", &O::batch_size).atLeast(1);
    k.integer("num_workers", &O::num_workers)
        .atLeast(0)
        .describe("decode threads (0 = in the training thread)");
    k.schema().component("dataset_module", ComponentKind::Dataset);
    k.named("on_bad_image", {{"fail", false}, {"skip", true}}, &O::skip_bad)
        .describe("fail: stop at the first unreadable image; skip: log it and go on");
    k.boolean("cache", &O::cache)
        .describe("keep preprocessed images in memory after the first epoch");
    return k;
  }();
  return keys;
}

ConfigNode loaderArgsNode(const ConfigNode& args, const ConfigNode* overlay) {
  ConfigNode merged = args.isMap() ? args : ConfigNode::map(args.where(), args.path());
  if (overlay != nullptr && overlay->isMap()) {
    for (const auto& [key, value] : overlay->entries())
      if (!value.isNull()) merged.set(key, value);
  }
  return merged;
}

LoaderArgs loaderArgs(const ConfigNode& args, const ConfigNode* overlay) {
  return loaderArgsKeys().read(loaderArgsNode(args, overlay));
}

Schema csvDatasetsSchema() {
  Schema dataset = loaderArgsKeys().schema();
  dataset.map("data_dir", splitListsKeys().schema()).require();
  Schema siblings;
  siblings.dict("datasets", mapElement(dataset))
      .describe("a downstream task's datasets: each a data_dir (test split) over the args");
  return siblings;
}

}  // namespace morphaeus
