#include "core/experiment/experiment.h"

#include <filesystem>

#include "core/base/facts/upstream_seed.h"
#include "core/base/shared_files.h"
#include "core/config/experiment_schema.h"
#include "core/config/overrides.h"
#include "core/config/validator.h"
#include "core/config/yaml_loader.h"
#include "core/registry/registry.h"
#include "core/registry/synthetic_data_keys.h"

namespace morphaeus {
namespace {

namespace fs = std::filesystem;

// A value from a dedicated flag (e.g. --task), placed at `key` and located at the flag.
void setFromFlag(ConfigNode& root, const std::string& flag, const std::string& key,
                 const std::string& value) {
  try {
    applyOverride(root, key + "=" + value);
  } catch (const ConfigError& e) {
    throw ConfigError(Location{flag + " " + value, 0, 0}, e.keyPath(), e.message());
  }
}

// A text flag (path, name): stored verbatim as a string at the key path `parts`, whatever
// characters the value (or a part: a task's name) holds.
void setTextAt(ConfigNode& root, const std::string& flag, const std::vector<std::string>& parts,
               const std::string& value) {
  const Location where{flag + " " + value, 0, 0};
  ConfigNode* node = &root;
  std::string path;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    path = childPath(path, parts[i]);
    ConfigNode* child = node->find(parts[i]);
    if (child == nullptr || child->isNull())
      child = &node->set(parts[i], ConfigNode::map(where, path));
    if (!child->isMap())
      throw ConfigError(where, path, "expected a map, got " + child->describeKind());
    node = child;
  }
  node->set(parts.back(), ConfigNode::scalar(value, true, where, childPath(path, parts.back())));
}

void setTextFromFlag(ConfigNode& root, const std::string& flag, const std::string& key,
                     const std::string& value) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
    parts.push_back(key.substr(start, dot - start));
    start = dot + 1;
  }
  parts.push_back(key.substr(start));
  setTextAt(root, flag, parts, value);
}

// --precision: the training step's and every downstream task's.
void setPrecisionFromFlag(ConfigNode& root, const std::string& value) {
  if (const ConfigNode* trainer = root.find("trainer"); trainer && trainer->isMap())
    setTextAt(root, "--precision", {"trainer", "params", "performance", "precision"}, value);
  if (const ConfigNode* tasks = root.find("downstream_tasks"); tasks && tasks->isMap()) {
    std::vector<std::string> names;
    for (const auto& entry : tasks->entries()) names.push_back(entry.first);
    for (const std::string& name : names)
      setTextAt(root, "--precision", {"downstream_tasks", name, "params", "precision"}, value);
  }
}

// What the schema cannot say: values that are valid alone but not available here.
void checkExperiment(const ConfigNode& root) {
  std::vector<ConfigError> errors;
  if (const ConfigNode* tasks = root.find("downstream_tasks"); tasks && tasks->isMap()) {
    for (const auto& [name, task] : tasks->entries()) {
      if (task.getBool("compute_fid", false)) {
        const std::string why =
            "FID is not available: upstream computes it against its MedNIST reference folders "
            "(./data/MedNIST_FID/, not published) with an Inception network and runs a MedNIST "
            "classifier; set compute_fid: False (the paper's configs do)";
        errors.push_back(task.at("compute_fid").error(why));
      }
    }
  }
  if (!errors.empty()) throw ConfigErrors(std::move(errors));
}

// Command-line paths are relative to the working directory, not to the config file.
std::string absoluteFromCwd(const std::string& path) {
  return fs::absolute(fs::path(path)).lexically_normal().string();
}

}  // namespace

ExperimentOptions Experiment::options() const {
  return experimentOptions(config);
}
std::string Experiment::name() const {
  return options().name;
}
std::string Experiment::task() const {
  return options().experiment.task;
}
std::int64_t Experiment::seed() const {
  return options().seed;
}
int Experiment::threads() const {
  return static_cast<int>(options().threads);
}
std::string Experiment::device() const {
  return options().device;
}
bool Experiment::deterministic() const {
  return options().deterministic;
}

Experiment loadExperiment(const RunOptions& options) {
  Experiment ex;
  if (options.config.empty()) {
    // The embedded demo behaves as if it were ./configs/demo.yaml.
    ex.source = "<embedded demo>";
    ex.config_dir = (fs::current_path() / "configs").string();
    ex.config = loadYamlString(embeddedDemoConfig(), ex.source);
  } else {
    const std::string file = resolveConfigName(options.config);  // "paper/morphaeus": shipped
    ex.source = file;
    ex.config_dir = fs::absolute(fs::path(file)).parent_path().lexically_normal().string();
    // An installed demo or synthetic twin generates its data under ./runs/, as the embedded one.
    if (isInstalledSyntheticConfig(file)) ex.config_dir = (fs::current_path() / "configs").string();
    ex.config = loadYamlFile(file);
  }

  for (const auto& assignment : options.sets) applyOverride(ex.config, assignment);
  if (options.task) setTextFromFlag(ex.config, "--task", "experiment.task", *options.task);
  ex.weights_from_flag = options.weights || options.resume;
  if (options.weights) {
    setTextFromFlag(ex.config, "--weights", "experiment.weights",
                    absoluteFromCwd(*options.weights));
  }
  if (options.resume) {
    setTextFromFlag(ex.config, "--resume", "experiment.weights", absoluteFromCwd(*options.resume));
    setTextFromFlag(ex.config, "--resume", "experiment.task", "train");
  }
  if (options.device) setTextFromFlag(ex.config, "--device", "device", *options.device);
  if (options.seed) setFromFlag(ex.config, "--seed", "seed", std::to_string(*options.seed));
  if (options.threads)
    setFromFlag(ex.config, "--threads", "threads", std::to_string(*options.threads));
  if (options.data_root) {
    setTextFromFlag(ex.config, "--data-root", "data_root", absoluteFromCwd(*options.data_root));
  }
  if (options.output)
    setTextFromFlag(ex.config, "--output", "output_dir", absoluteFromCwd(*options.output));
  if (options.precision) setPrecisionFromFlag(ex.config, *options.precision);
  if (options.deterministic) setFromFlag(ex.config, "--deterministic", "deterministic", "true");

  // Inputs (split CSVs, weights) named relative to upstream's base, the working directory, or to
  // a data root that holds upstream's data/ tree, are found there too.
  std::vector<std::string> search_dirs;
  if (const ConfigNode* root = ex.config.find("data_root"); root && root->isScalar()) {
    const fs::path p(root->text());
    search_dirs.push_back(
        (p.is_absolute() ? p : fs::path(ex.config_dir) / p).lexically_normal().string());
  }
  search_dirs.push_back(fs::current_path().string());
  ValidationReport report =
      validateConfig(ex.config, experimentSchema(syntheticDataKeys().schema()), Registry::global(),
                     ex.config_dir, search_dirs);
  ex.ignored = std::move(report.ignored);
  checkExperiment(ex.config);
  return ex;
}

}  // namespace morphaeus
