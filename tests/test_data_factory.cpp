// How the evaluation reads images (core/registry/data_factory.h, evaluationPreprocessing): as the
// first downstream task's loaders read them -- its args' target_size, or the loaders' default
// where it gives none (not the model's inshape: the threshold split and `infer` would otherwise
// read other pixels than the evaluation scores); without a task, the model's inshape, else
// 128x128.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/config/yaml_loader.h"
#include "core/registry/data_factory.h"
#include "core/registry/loader_args.h"

namespace morphaeus {
namespace {

EvalPreprocessing preprocessingOf(const std::string& text) {
  return evaluationPreprocessing(loadYamlString(text, "experiment.yaml"));
}

const std::string kModel = "model: {params: {inshape: [32, 48]}}\n";

std::string taskWithArgs(const std::string& args) {
  return "downstream_tasks:\n  first: {data_loader: {params: {args: " + args +
         "}}}\n  second: {data_loader: {params: {args: {target_size: [16, 16]}}}}\n";
}

TEST(DataFactory, EvaluationReadsAsTheFirstTasksLoaders) {
  const EvalPreprocessing given = preprocessingOf(kModel + taskWithArgs("{target_size: [96, 80]}"));
  EXPECT_EQ(given.size, (std::vector<std::int64_t>{96, 80}));
  EXPECT_EQ(given.path, ResizePath::Tensor);  // upstream's DefaultDataset: no dataset_module
  // No target_size: the loaders' own default, whatever the model's inshape says.
  const EvalPreprocessing absent = preprocessingOf(kModel + taskWithArgs("{batch_size: 4}"));
  EXPECT_EQ(absent.size, LoaderArgs{}.target_size);
  EXPECT_NE(absent.size, (std::vector<std::int64_t>{32, 48}));
}

TEST(DataFactory, WithoutATaskTheModelsInshapeElse128) {
  const EvalPreprocessing inshape = preprocessingOf(kModel);
  EXPECT_EQ(inshape.size, (std::vector<std::int64_t>{32, 48}));
  EXPECT_EQ(inshape.path, ResizePath::Pil);
  EXPECT_EQ(preprocessingOf("model: {params: {}}\n").size, (std::vector<std::int64_t>{128, 128}));
}

}  // namespace
}  // namespace morphaeus
