#include "core/report/task_metrics.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <system_error>

#include "core/base/atomic_file.h"
#include "data/data_error.h"

namespace morphaeus {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

// The record's keys, each once: a dataset's plain numbers ...
struct NumberField {
  const char* key;
  std::optional<double> DatasetMetrics::*member;
};
const std::vector<NumberField>& numberFields() {
  using D = DatasetMetrics;
  static const std::vector<NumberField> kFields = {{"score_mean", &D::score_mean},
                                                   {"score_std", &D::score_std},
                                                   {"l1_mean", &D::l1_mean},
                                                   {"l1_std", &D::l1_std},
                                                   {"ssim_mean", &D::ssim_mean},
                                                   {"ssim_std", &D::ssim_std},
                                                   {"lpips_mean", &D::lpips_mean},
                                                   {"lpips_std", &D::lpips_std},
                                                   {"flagged_fraction", &D::flagged_fraction},
                                                   {"pixel_auroc", &D::pixel_auroc},
                                                   {"pixel_auprc", &D::pixel_auprc},
                                                   {"best_dice", &D::best_dice}};
  return kFields;
}

// ... and the four detection metrics: the whole set's number ("auroc"), each bootstrap resample's
// ("resamples"[k].auroc), the bootstrap's summary ("auroc_mean", "auroc_std") and the interval
// ("auroc": [low, high]).
struct DetectionField {
  const char* key;
  double DetectionMetrics::*value;
  MetricSummary PaperBootstrap::*summary;
  Interval BootstrapIntervals::*interval;
};
const std::vector<DetectionField>& detectionFields() {
  static const std::vector<DetectionField> kFields = {
      {"auroc", &DetectionMetrics::auroc, &PaperBootstrap::auroc, &BootstrapIntervals::auroc},
      {"auprc", &DetectionMetrics::auprc, &PaperBootstrap::auprc, &BootstrapIntervals::auprc},
      {"fpr_at_tpr95", &DetectionMetrics::fpr95, &PaperBootstrap::fpr95,
       &BootstrapIntervals::fpr95},
      {"fpr_at_tpr99", &DetectionMetrics::fpr99, &PaperBootstrap::fpr99,
       &BootstrapIntervals::fpr99}};
  return kFields;
}

Json detectionJson(const DetectionMetrics& d) {
  Json j = Json::object();
  for (const DetectionField& f : detectionFields()) j[f.key] = d.*f.value;
  return j;
}

Json bootstrapJson(const PaperBootstrap& b) {
  Json j = {{"seeds", b.seeds}};
  for (const DetectionField& f : detectionFields()) {
    j[std::string(f.key) + "_mean"] = (b.*f.summary).mean;
    j[std::string(f.key) + "_std"] = (b.*f.summary).std;
  }
  for (const DetectionMetrics& r : b.resamples) j["resamples"].push_back(detectionJson(r));
  return j;
}

Json intervalJson(const BootstrapIntervals& i) {
  Json j = {{"level", i.level},
            {"resamples", i.resamples},
            {"seed", i.seed},
            {"one_class_resamples_skipped", i.skipped}};
  for (const DetectionField& f : detectionFields())
    j[f.key] = {(i.*f.interval).low, (i.*f.interval).high};
  return j;
}

Json datasetJson(const DatasetMetrics& d) {
  Json j = {{"images", d.images}};
  for (const NumberField& f : numberFields())
    if (const auto& v = d.*f.member) j[f.key] = *v;
  if (d.detection) j.update(detectionJson(*d.detection));
  if (d.normal_reference) j["normal_reference"] = *d.normal_reference;
  if (d.bootstrap) j["bootstrap"] = bootstrapJson(*d.bootstrap);
  if (d.interval) j["interval"] = intervalJson(*d.interval);
  if (d.bootstrap_note) j["bootstrap_note"] = *d.bootstrap_note;
  return j;
}

Json taskJson(const TaskMetrics& m) {
  Json j;
  j["datasets"] = Json::object();
  for (const auto& [name, d] : m.datasets) j["datasets"][name] = datasetJson(d);
  if (!m.task.empty()) j["task"] = m.task;
  if (!m.score.empty()) j["score"] = m.score;
  if (!m.precision.empty()) j["precision"] = m.precision;
  if (m.smoothing_sigma) j["smoothing_sigma"] = *m.smoothing_sigma;
  if (m.threshold) {
    j["threshold"] = {{"value", m.threshold->value},
                      {"percentile", m.threshold->percentile},
                      {"source", m.threshold->source}};
  }
  return j;
}

// Reads one record: every value checked for its kind, the first wrong one named by its path.
class RecordReader {
 public:
  explicit RecordReader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& why) const {
    throw DataError(file_ + ": not the JSON an evaluation writes (" + why + ")");
  }

  const Json& object(const Json& j, const std::string& where) const {
    if (!j.is_object()) fail(where + ": not an object");
    return j;
  }
  // null reads as NaN: the writer's way of keeping a NaN.
  double number(const Json& j, const std::string& where) const {
    if (j.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!j.is_number()) fail(where + ": not a number");
    return j.get<double>();
  }
  // null (or a missing key) reads as 0.
  template <typename Int>
  Int integer(const Json& j, const std::string& where) const {
    if (j.is_null()) return 0;
    if (!j.is_number_integer() ||
        (j.is_number_unsigned()
             ? j.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<Int>::max())
             : j.get<std::int64_t>() < std::numeric_limits<Int>::min() ||
                   j.get<std::int64_t>() > std::numeric_limits<Int>::max()))
      fail(where + ": not a whole number in range");
    return j.is_number_unsigned() ? static_cast<Int>(j.get<std::uint64_t>())
                                  : static_cast<Int>(j.get<std::int64_t>());
  }
  std::string text(const Json& j, const std::string& where) const {
    if (j.is_null()) return "";
    if (!j.is_string()) fail(where + ": not a string");
    return j.get<std::string>();
  }
  // A key the record lacks reads as null: not given (an older or hand-written record).
  static const Json& at(const Json& j, const std::string& key) {
    static const Json kNull;
    const auto it = j.find(key);
    return it == j.end() ? kNull : *it;
  }

  DetectionMetrics detection(const Json& j, const std::string& where) const {
    DetectionMetrics d;
    for (const DetectionField& f : detectionFields())
      d.*f.value = number(at(j, f.key), where + "." + f.key);
    return d;
  }

  PaperBootstrap bootstrap(const Json& j, const std::string& where) const {
    object(j, where);
    PaperBootstrap b;
    const Json& seeds = at(j, "seeds");
    if (!seeds.is_null() && !seeds.is_array()) fail(where + ".seeds: not a list");
    for (const Json& s : seeds) b.seeds.push_back(integer<std::uint32_t>(s, where + ".seeds"));
    for (const DetectionField& f : detectionFields()) {
      const std::string key = f.key;
      (b.*f.summary).mean = number(at(j, key + "_mean"), where + "." + key + "_mean");
      (b.*f.summary).std = number(at(j, key + "_std"), where + "." + key + "_std");
    }
    if (j.contains("resamples")) {
      const std::string list = where + ".resamples";
      if (!j["resamples"].is_array()) fail(list + ": not a list");
      for (const Json& r : j["resamples"]) b.resamples.push_back(detection(object(r, list), list));
    }
    return b;
  }

  BootstrapIntervals interval(const Json& j, const std::string& where) const {
    object(j, where);
    BootstrapIntervals i;
    i.level = number(at(j, "level"), where + ".level");
    i.resamples = integer<int>(at(j, "resamples"), where + ".resamples");
    i.seed = integer<std::uint32_t>(at(j, "seed"), where + ".seed");
    i.skipped =
        integer<int>(at(j, "one_class_resamples_skipped"), where + ".one_class_resamples_skipped");
    for (const DetectionField& f : detectionFields()) {
      const std::string name = where + "." + f.key;
      const Json& ends = at(j, f.key);
      if (ends.is_null()) {
        i.*f.interval = {number(ends, name), number(ends, name)};
        continue;
      }
      if (!ends.is_array() || ends.size() != 2) fail(name + ": not a [low, high] pair");
      i.*f.interval = {number(ends[0], name), number(ends[1], name)};
    }
    return i;
  }

  DatasetMetrics dataset(const Json& j, const std::string& where) const {
    object(j, where);
    DatasetMetrics d;
    if (j.contains("images")) d.images = integer<std::int64_t>(j["images"], where + ".images");
    for (const NumberField& f : numberFields())
      if (j.contains(f.key)) d.*f.member = number(j[f.key], where + "." + f.key);
    if (j.contains(detectionFields().front().key)) d.detection = detection(j, where);
    if (j.contains("normal_reference"))
      d.normal_reference = text(j["normal_reference"], where + ".normal_reference");
    if (j.contains("bootstrap")) d.bootstrap = bootstrap(j["bootstrap"], where + ".bootstrap");
    if (j.contains("interval")) d.interval = interval(j["interval"], where + ".interval");
    if (j.contains("bootstrap_note"))
      d.bootstrap_note = text(j["bootstrap_note"], where + ".bootstrap_note");
    return d;
  }

  TaskMetrics task(const Json& j) const {
    if (!j.is_object() || !j.contains("datasets") || !j["datasets"].is_object())
      fail("no \"datasets\" object");
    TaskMetrics m;
    for (const auto& [name, d] : j["datasets"].items())
      m.datasets[name] = dataset(d, "datasets." + name);
    for (auto [key, member] :
         {std::pair{"task", &TaskMetrics::task}, std::pair{"score", &TaskMetrics::score},
          std::pair{"precision", &TaskMetrics::precision}})
      if (j.contains(key)) m.*member = text(j[key], key);
    if (j.contains("smoothing_sigma"))
      m.smoothing_sigma = number(j["smoothing_sigma"], "smoothing_sigma");
    if (j.contains("threshold")) {
      const Json& t = object(j["threshold"], "threshold");
      m.threshold = ThresholdRecord{number(at(t, "value"), "threshold.value"),
                                    number(at(t, "percentile"), "threshold.percentile"),
                                    text(at(t, "source"), "threshold.source")};
    }
    return m;
  }

 private:
  std::string file_;
};

}  // namespace

std::optional<double> DatasetMetrics::number(const std::string& key) const {
  for (const NumberField& f : numberFields())
    if (key == f.key) return this->*f.member;
  for (const DetectionField& f : detectionFields())
    if (key == f.key)
      return detection ? std::optional<double>((*detection).*f.value) : std::nullopt;
  return std::nullopt;
}

std::vector<std::string> numberKeys() {
  std::vector<std::string> keys;
  for (const DetectionField& f : detectionFields()) keys.emplace_back(f.key);
  for (const NumberField& f : numberFields()) keys.emplace_back(f.key);
  return keys;
}

void writeTaskMetrics(const TaskLayout& task, const TaskMetrics& metrics) {
  writeFileAtomic(task.metrics().string(), taskJson(metrics).dump(2) + "\n");
}

TaskMetrics readTaskMetrics(const TaskLayout& task) {
  const std::string file = task.metrics().string();
  std::ifstream in(file);
  if (!in) throw DataError(file + ": cannot be read");
  const RecordReader reader(file);
  Json j;
  try {
    j = Json::parse(in);
  } catch (const Json::exception& e) {
    reader.fail(e.what());
  }
  return reader.task(j);
}

std::vector<TaskLayout> evaluatedTasks(const RunLayout& run) {
  std::vector<TaskLayout> tasks;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(run.evaluations(), ec)) {
    TaskLayout t{e.path()};
    if (fs::exists(t.metrics())) tasks.push_back(std::move(t));
  }
  std::sort(tasks.begin(), tasks.end(),
            [](const TaskLayout& a, const TaskLayout& b) { return a.dir < b.dir; });
  return tasks;
}

}  // namespace morphaeus
