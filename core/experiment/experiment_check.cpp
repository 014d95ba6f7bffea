#include "core/experiment/experiment_check.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include "core/base/precision.h"
#include "core/config/error_context.h"
#include "core/config/model_input_rule.h"
#include "core/eval/task_scoring.h"
#include "core/registry/data_factory.h"
#include "core/registry/loader_args.h"
#include "core/registry/model_factory.h"
#include "core/registry/registry.h"
#include "core/train/trainer_factory.h"
#include "core/train/trainer_options.h"
#include "data/csv_split.h"
#include "models/reconstruction.h"

namespace morphaeus {
namespace {

const ConfigNode* child(const ConfigNode* node, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (node == nullptr || !node->isMap()) return nullptr;
    node = node->find(key);
  }
  return node != nullptr && !node->isNull() ? node : nullptr;
}

// Images a loader feeds the model: their size and batch (the loader's typed args) and the keys
// that set them, to name in a message (the target_size or batch_size key, else the block whose
// default applies; copies, as the merged args they come from are temporary).
struct ImageInput {
  std::int64_t rows = 0, cols = 0, batch = 0;
  bool default_size = true;  // no target_size key: size_node is the loader block
  ConfigNode size_node, batch_node;
  bool training = false;
};

ImageInput inputOf(const ConfigNode& block, const ConfigNode* args, const ConfigNode* overlay) {
  const ConfigNode merged = loaderArgsNode(
      args != nullptr ? *args : ConfigNode::map(block.where(), block.path()), overlay);
  const LoaderArgs values = loaderArgsKeys().read(merged);
  ImageInput in;
  in.rows = values.target_size.at(0);
  in.cols = values.target_size.at(1);
  in.batch = values.batch_size;
  const ConfigNode* size = child(&merged, {"target_size"});
  const ConfigNode* batch = child(&merged, {"batch_size"});
  in.default_size = size == nullptr;
  in.size_node = size != nullptr ? *size : block;
  in.batch_node = batch != nullptr ? *batch : block;
  return in;
}

class Checker {
 public:
  Checker(const Experiment& ex, const CrossCheckOptions& options)
      : ex_(ex), root_(ex.config), options_(options) {}

  void run() {
    if (const ConfigNode* params = child(&root_, {"trainer", "params"}))
      trainer_ = trainerOptions(*params);
    checkPrecision();
    collectInputs();
    const ConfigNode& model = root_.at("model");
    const ComponentSpec& spec = Registry::global().resolve(ComponentKind::Model, model);
    const ConfigNode* params = child(&model, {"params"});
    const ModelComponent* component = Registry::global().factory<ModelComponent>(spec);
    if (component != nullptr && component->input_rule)
      checkModel(component->input_rule(params ? *params : model));
    if (!errors.empty()) return;
    if (options_.read_splits) checkSplitSizes();
    if (!errors.empty() || !options_.probe) return;
    probe(model);
  }

  std::vector<ConfigError> errors;

 private:
  void checkPrecision();
  void collectInputs();
  // The model's own rule (ModelComponent::input_rule) against every image input.
  void checkModel(const ModelInputRule& rule);
  void checkSplitSizes();
  void probe(const ConfigNode& model);
  bool trainMode() const;
  std::optional<std::string> forward(const ConfigNode& model, const ImageInput& in, bool train);

  // Every image input against a size the model is built for (`key` names it).
  void expectSize(std::int64_t rows, std::int64_t cols, const ConfigNode& key) {
    for (const auto& in : inputs_) {
      if (in.rows == rows && in.cols == cols) continue;
      errors.push_back(in.size_node.error("the images are " + sizeText(in.rows, in.cols) +
                                          (in.default_size ? " (the default)" : "") +
                                          ", but the model is built for " + sizeText(rows, cols) +
                                          ": " + namedKey(key)));
    }
  }

  const Experiment& ex_;
  const ConfigNode& root_;
  const CrossCheckOptions options_;
  std::optional<TrainerOptions> trainer_;  // the trainer's options, when the config has one
  std::vector<ImageInput> inputs_;         // the training loader first, when the task trains
};

// An explicit bf16 where this CPU cannot run it (the oneDNN ISA cap), for a run on the CPU.
void Checker::checkPrecision() {
  const std::string device = ex_.device();
  if (device != "cpu" && torch::cuda::is_available()) return;
  const std::string why = cpuBf16Support().blocked();
  if (why.empty()) return;
  const auto refuse = [&](const ConfigNode* key) {
    errors.push_back((key != nullptr ? *key : root_).error("bf16 cannot run on this CPU: " + why));
  };
  if (trainer_ && trainer_->fast.precision == Precision::Bf16)
    refuse(child(&root_, {"trainer", "params", "performance", "precision"}));
  if (const ConfigNode* tasks = child(&root_, {"downstream_tasks"}); tasks && tasks->isMap()) {
    for (const auto& [name, task] : tasks->entries()) {
      if (taskScoring(child(&task, {"params"})).score.precision == Precision::Bf16)
        refuse(child(&task, {"params", "precision"}));
    }
  }
}

void Checker::collectInputs() {
  const ConfigNode* trainer = child(&root_, {"trainer"});
  if (ex_.task() == "train" && trainer != nullptr) {
    if (const ConfigNode* loader = child(trainer, {"data_loader"})) {
      ImageInput in = inputOf(*loader, child(loader, {"params", "args"}), nullptr);
      if (trainer_ && trainer_->batch_size) {
        in.batch = *trainer_->batch_size;
        in.batch_node = *child(trainer, {"params", "batch_size"});
      }
      in.training = true;
      if (trainer_ && !trainer_->input_size.empty()) {
        const auto& v = trainer_->input_size;
        if (v.at(0) != in.rows || v.at(1) != in.cols) {
          errors.push_back(child(trainer, {"params", "input_size"})
                               ->error(sizeText(v[0], v[1]) +
                                       " disagrees with the training images' " +
                                       sizeText(in.rows, in.cols) + ": " + namedKey(in.size_node)));
        }
      }
      inputs_.push_back(std::move(in));
    }
  }
  if (const ConfigNode* tasks = child(&root_, {"downstream_tasks"}); tasks && tasks->isMap()) {
    for (const auto& [name, task] : tasks->entries()) {
      const ConfigNode* loader = child(&task, {"data_loader"});
      const ConfigNode* datasets = child(loader, {"datasets"});
      if (loader == nullptr || datasets == nullptr || !datasets->isMap()) continue;
      for (const auto& [dataset, overlay] : datasets->entries()) {
        inputs_.push_back(inputOf(overlay, child(loader, {"params", "args"}), &overlay));
      }
    }
  }
}

void Checker::checkModel(const ModelInputRule& rule) {
  const ConfigNode* channels = rule.in_channels;
  if (channels != nullptr && channels->isScalar() && channels->asInt() != 1) {
    errors.push_back(channels->error(
        "the model takes " + channels->text() +
        " channels, but the images are read as one (grey; the first channel of RGB), as "
        "upstream's loaders read them"));
  }
  for (const auto& [key, n] : rule.out_channels) {
    if (n->asInt() != 1) {
      errors.push_back(n->error("the reconstruction is compared with one-channel images: " + key +
                                " must be 1, got " + n->text()));
    }
  }
  if (rule.image_size)
    expectSize(rule.image_size->first, rule.image_size->second, *rule.image_size_key);
  errors.insert(errors.end(), rule.errors.begin(), rule.errors.end());
  if (rule.side_multiple_key == nullptr) return;
  const std::int64_t m = rule.side_multiple;
  for (const auto& in : inputs_) {
    if (in.rows % m != 0 || in.cols % m != 0) {
      errors.push_back(in.size_node.error("the images are " + sizeText(in.rows, in.cols) +
                                          ", not a multiple of " + std::to_string(m) +
                                          " (the product of " + namedKey(*rule.side_multiple_key) +
                                          "): the decoder would not return the input's size"));
    } else if (rule.reduced_pixels > 0 && (in.rows / m) * (in.cols / m) != rule.reduced_pixels) {
      errors.push_back(in.size_node.error(
          "the images are " + sizeText(in.rows, in.cols) + ", which the encoder reduces by " +
          std::to_string(m) + " (the product of " + namedKey(*rule.side_multiple_key) + ") to " +
          sizeText(in.rows / m, in.cols / m) + "; " + rule.reduced_pixels_reason));
    }
  }
}

// A train split smaller than one batch trains nothing (incomplete batches are dropped). Only
// splits that exist now: synthetic data and prepared splits are checked when they are read.
void Checker::checkSplitSizes() {
  if (inputs_.empty() || !inputs_.front().training) return;
  const ImageInput& in = inputs_.front();
  const ConfigNode* args = child(&root_, {"trainer", "data_loader", "params", "args"});
  if (args == nullptr) return;
  const LoaderArgs loader = loaderArgs(*args, nullptr);
  const std::vector<std::string>& sources = loader.data_dir.train;
  if (sources.empty()) return;
  for (const std::string& source : sources) {
    std::error_code ec;
    if (!std::filesystem::exists(source, ec)) return;
  }
  std::size_t rows = 0;
  try {
    rows = readSplit(sources, loader.file_type, dataContext(root_).data_root).size();
  } catch (const std::exception&) {
    return;  // reported with its file when the split is read
  }
  if (static_cast<std::int64_t>(rows) >= in.batch) return;
  errors.push_back(in.batch_node.error(
      "a batch of " + std::to_string(in.batch) + " is more than the " + std::to_string(rows) +
      " images of the train split " + namedKey(*child(args, {"data_dir", "train"})) +
      ": training drops incomplete batches, so no step would run"));
}

bool Checker::trainMode() const {
  const ConfigNode* trainer = child(&root_, {"trainer"});
  if (trainer == nullptr) return false;
  const ComponentSpec& spec = Registry::global().resolve(ComponentKind::Trainer, *trainer);
  const TrainerComponent* component = Registry::global().factory<TrainerComponent>(spec);
  const bool by_default = component != nullptr && component->trains_in_train_mode;
  return trainer_ ? trainer_->train_mode.value_or(by_default) : by_default;
}

// One forward pass of a freshly built model on zeros; the error's first line, or nothing.
std::optional<std::string> Checker::forward(const ConfigNode& model, const ImageInput& in,
                                            bool train) {
  try {
    torch::NoGradGuard no_grad;
    auto module = buildModel(model);
    module->train(train);
    const auto x = torch::zeros({std::min<std::int64_t>(in.batch, 2), 1, in.rows, in.cols});
    const torch::Tensor y = reconstruct(*module, x);
    if (y.sizes() != x.sizes()) {
      std::ostringstream s;
      s << "the reconstruction is " << y.sizes() << " for an input of " << x.sizes();
      return s.str();
    }
    return std::nullopt;
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    const std::string message = errorMessage(e);
    return message.substr(0, message.find('\n'));
  }
}

void Checker::probe(const ConfigNode& model) {
  const bool train = trainMode();
  std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t, bool>> done;
  for (const auto& in : inputs_) {
    const bool mode = in.training && train;
    if (!done.emplace(in.rows, in.cols, std::min<std::int64_t>(in.batch, 2), mode).second) {
      continue;
    }
    const auto failure = forward(model, in, mode);
    if (!failure) continue;
    const ConfigNode* mode_node = child(&root_, {"trainer", "params", "training_mode"});
    if (mode && in.batch == 1) {
      ImageInput two = in;
      two.batch = 2;
      if (!forward(model, two, mode)) {
        errors.push_back(in.batch_node.error(
            "one image per batch is too few for BatchNorm in train mode (" +
            (mode_node ? namedKey(*mode_node) : std::string("the trainer's default")) +
            "): " + *failure));
        return;
      }
    }
    errors.push_back(model.error("the model cannot take " + sizeText(in.rows, in.cols) +
                                 " images (" + namedKey(in.size_node) + ") in " +
                                 (mode ? "train" : "eval") + " mode: " + *failure));
    return;
  }
}

}  // namespace

void crossCheckExperiment(const Experiment& ex, const CrossCheckOptions& options) {
  if (ex.config.find("model") == nullptr) return;
  Checker checker(ex, options);
  checker.run();
  if (!checker.errors.empty()) throw ConfigErrors(std::move(checker.errors));
}

}  // namespace morphaeus
