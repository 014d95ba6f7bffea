#include "projects/morphaeus/anomaly_evaluator.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <optional>

#include "core/base/atomic_file.h"
#include "core/metrics/statistics.h"
#include "core/report/curve_plot.h"
#include "core/report/task_metrics.h"
#include "projects/morphaeus/anomaly_report.h"
#include "projects/morphaeus/evaluation_figures.h"

namespace morphaeus {
namespace fs = std::filesystem;

const KeyTable<AnomalyEvaluatorOptions>& anomalyEvaluatorKeys() {
  using O = AnomalyEvaluatorOptions;
  static const KeyTable<O> keys = [] {
    KeyTable<O> k;
    k.include(taskScoringKeys(), &O::scoring);
    k.number("threshold_percentile", &O::threshold_percentile)
        .between(0, 100)
        .describe("normal/abnormal threshold: this percentile of the normal validation scores");
    k.boolean("save_maps", &O::save_maps)
        .describe("write every anomaly map as maps/<dataset>/*.npy (+ colour .png)");
    k.boolean("figures", &O::figures).describe("ROC/PR curves and example sheets as PNG");
    k.integer("example_images", &O::example_images)
        .atLeast(0)
        .describe("images per example sheet (0 = none)");
    k.inputPath("lpips_alexnet_weights", &O::lpips_alexnet)
        .describe("LPIPS (optional, with lpips_weights): torchvision's alexnet-owt-7be5be79.pth");
    k.inputPath("lpips_weights", &O::lpips_lins)
        .describe("LPIPS (optional): the lpips package's weights/v0.1/alex.pth");
    k.boolean("lpips_normalize", &O::lpips_normalize)
        .describe("rescale [0, 1] to [-1, 1] before LPIPS (false: as upstream calls it)");
    k.integer("interval_resamples", [](O& o) -> int& { return o.intervals.resamples; })
        .between(0, 1000000)
        .describe(
            "bootstrap resamples of the 95% intervals (0 = none; the paper's 5-seed "
            "bootstrap is always reported)");
    k.integer("interval_seed", [](O& o) -> std::uint32_t& { return o.intervals.seed; })
        .between(0, 4294967295LL)
        .describe("seed of the intervals' resamples (NumPy's legacy generator)");
    k.number("interval_level", [](O& o) -> double& { return o.intervals.level; })
        .between(0.5, 0.999)
        .describe("coverage of the percentile bootstrap intervals");
    k.finish([](const TypedParams& p, O& o) {
      if (o.lpips_alexnet.empty() != o.lpips_lins.empty())
        throw p.node().error("LPIPS needs both lpips_alexnet_weights and lpips_weights");
    });
    return k;
  }();
  return keys;
}

AnomalyEvaluatorOptions anomalyEvaluatorOptions(const ConfigNode& task) {
  const ConfigNode* params = task.find("params");
  AnomalyEvaluatorOptions o;
  if (params != nullptr && params->isMap()) o = anomalyEvaluatorKeys().read(*params);
  o.compute_scores = task.getBool("compute_scores", o.compute_scores);
  return o;
}

// The example sheet: the dataset's first example_images readable images, in dataset order.
void AnomalyEvaluator::writeExamples(const ScoredDataset& d, ImageDataset& dataset) {
  std::vector<torch::Tensor> examples;
  std::vector<std::string> names;
  const auto wanted = static_cast<std::size_t>(o_.example_images);
  for (std::size_t k = 0; k < d.images.size() && examples.size() < wanted; ++k) {
    if (auto sample = dataset.get(d.images.index[k])) {
      examples.push_back(sample->image);
      names.push_back(fs::path(d.paths[k]).filename().string());
    }
  }
  if (examples.empty()) return;
  writeExampleFigure(TaskLayout{setup_.out_dir}.examples(d.name).string(), *setup_.model,
                     torch::stack(examples).to(setup_.device), names, o_.scoring.map_vmax);
}

EvaluationResult AnomalyEvaluator::run() {
  const bool main_rank = mainProcess();
  if (main_rank) fs::create_directories(setup_.out_dir);
  const bool figures = o_.figures && canWriteFigures();
  if (o_.figures && !figures)
    spdlog::warn("{}: figures skipped (this build has no OpenCV)", setup_.out_dir);
  torch::nn::Module& model = *setup_.model;
  model.eval();
  const std::string precision =
      resolvePrecision(o_.scoring.score.precision, setup_.device.type()).describe();
  spdlog::info("{}: the reconstructions in {}", setup_.task, precision);
  std::optional<LpipsMetric> lpips;
  if (!o_.lpips_alexnet.empty())
    lpips.emplace(o_.lpips_alexnet, o_.lpips_lins, setup_.device, o_.lpips_normalize);

  ScoringRequest request;
  request.score = o_.scoring.score;
  request.keep_maps = o_.save_maps;
  request.keep_masks = true;
  request.lpips = lpips ? &*lpips : nullptr;
  request.seed = setup_.seed;
  std::vector<ScoredDataset> datasets;
  for (auto& [name, loader] : setup_.datasets) {
    ScoredDataset d;
    d.name = name;
    d.label = name.find("Normal") != std::string::npos ? 0 : 1;
    request.progress = setup_.task + "/" + name;
    d.images = scoreImages(model, *loader, setup_.device, request, setup_.process_group);
    if (!main_rank) continue;  // rank 0 alone writes the report
    BatchLoader& l = *loader;
    for (const std::size_t i : d.images.index) d.paths.push_back(l.dataset().entry(i).path);
    const auto& shape = l.dataset().options();
    if (o_.save_maps)
      writeAnomalyMaps(setup_.out_dir, d, shape.height, shape.width, o_.scoring.map_vmax);
    if (figures) writeExamples(d, l.dataset());
    datasets.push_back(std::move(d));
  }

  EvaluationResult result;
  if (setup_.normal_validation) {
    ScoringRequest scores_only = request;
    scores_only.details = scores_only.keep_maps = scores_only.keep_masks = false;
    scores_only.progress = setup_.task + "/threshold";
    const ScoredImages v = scoreImages(model, *setup_.normal_validation, setup_.device, scores_only,
                                       setup_.process_group);
    result.threshold = percentile(v.score, o_.threshold_percentile);
  }
  if (!main_rank) return result;  // the other ranks only scored their shards

  AnomalyMetricsOptions mo;
  mo.compute_scores = o_.compute_scores;
  mo.lpips = lpips.has_value();
  mo.threshold = result.threshold;
  mo.intervals = o_.intervals;
  std::vector<DatasetCurves> curves;
  result.metrics.datasets = anomalyMetrics(datasets, mo, &curves);
  result.metrics.task = setup_.task;
  result.metrics.score = o_.scoring.score.describe();
  result.metrics.precision = precision;
  if (o_.scoring.score.smoothing_sigma > 0)
    result.metrics.smoothing_sigma = o_.scoring.score.smoothing_sigma;
  if (result.threshold) {
    result.metrics.threshold =
        ThresholdRecord{*result.threshold, o_.threshold_percentile, "normal validation split"};
  }
  if (figures && !curves.empty()) writeCurveFigures(setup_.out_dir, curves);

  const TaskLayout out{setup_.out_dir};
  writeTaskMetrics(out, result.metrics);
  writeScoresCsv(out.scores().string(), datasets, lpips.has_value());
  result.table = "# " + setup_.task + "\n\n" + metricsTable(result.metrics, datasets);
  writeFileAtomic(out.table().string(), result.table);
  return result;
}

}  // namespace morphaeus
