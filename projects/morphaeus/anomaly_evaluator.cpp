#include "projects/morphaeus/anomaly_evaluator.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "core/base/atomic_file.h"
#include "core/distributed/process_group.h"
#include "core/eval/anomaly_score.h"
#include "core/metrics/dice.h"
#include "core/metrics/lpips_metric.h"
#include "core/metrics/roc.h"
#include "core/metrics/ssim.h"
#include "core/metrics/statistics.h"
#include "core/report/csv_quote.h"
#include "core/report/curve_plot.h"
#include "data/io/image_writer.h"
#include "data/io/npy_writer.h"
#include "projects/morphaeus/evaluation_figures.h"

namespace morphaeus {
namespace {
namespace fs = std::filesystem;

struct ImageRow {
  std::string dataset, path;
  int label = 0;
  double score = 0, l1 = 0, ssim = 0, lpips = 0;
};

struct PixelData {
  std::vector<double> residual;
  std::vector<int> mask;
};

struct ReportOptions {
  AnomalyScoreOptions score;
  double threshold_percentile = 95;
  bool save_maps = false, figures = true;
  double map_vmax = 0.5;
  int example_images = 4;
  std::string lpips_alexnet, lpips_lins;  // both set: LPIPS per image
  bool lpips_normalize = false;           // as upstream (lpips' normalize=False)
  bool compute_scores = true;             // AUROC, AUPRC, FPR (upstream's compute_scores)
};

ReportOptions reportOptions(const ConfigNode& task) {
  const ConfigNode* p = task.find("params");
  ReportOptions o;
  o.score = AnomalyScoreOptions::fromParams(p);
  o.compute_scores = task.getBool("compute_scores", true);
  if (p == nullptr || !p->isMap()) return o;
  o.threshold_percentile = p->getDouble("threshold_percentile", o.threshold_percentile);
  o.save_maps = p->getBool("save_maps", o.save_maps);
  o.figures = p->getBool("figures", o.figures);
  o.map_vmax = p->getDouble("map_vmax", o.map_vmax);
  o.example_images = static_cast<int>(p->getInt("example_images", o.example_images));
  o.lpips_alexnet = p->getString("lpips_alexnet_weights", "");
  o.lpips_lins = p->getString("lpips_weights", "");
  o.lpips_normalize = p->getBool("lpips_normalize", false);
  if (o.lpips_alexnet.empty() != o.lpips_lins.empty()) {
    throw p->error("LPIPS needs both lpips_alexnet_weights and lpips_weights");
  }
  return o;
}

}  // namespace

std::string AnomalyEvaluator::run() {
  const ReportOptions opt = reportOptions(setup_.config);
  const fs::path out_dir(setup_.out_dir);
  if (ProcessGroup::isMainProcess()) fs::create_directories(out_dir);
  const bool figures = opt.figures && canWriteFigures();
  if (opt.figures && !figures)
    spdlog::warn("{}: figures skipped (this build has no OpenCV)", setup_.out_dir);
  torch::nn::Module& model = *setup_.model;
  model.eval();
  std::optional<LpipsMetric> lpips;
  if (!opt.lpips_alexnet.empty())
    lpips.emplace(opt.lpips_alexnet, opt.lpips_lins, setup_.device, opt.lpips_normalize);

  ProcessGroup* group = ProcessGroup::current();
  const bool main_rank = ProcessGroup::isMainProcess();

  // One pass over a loader: scores (and rows, pixels, maps, the first images for the examples).
  // Multi-process runs: every rank scores its shard of the loader; the per-image values (and the
  // maps where needed) are gathered and put back in dataset order, so that rank 0 reports
  // exactly what one process would.
  auto scoreLoader = [&](BatchLoader& loader, const std::string& name, int label,
                         std::vector<ImageRow>* rows, PixelData* pixels) {
    std::vector<double> values;  // per image: index, score, l1, ssim, lpips
    std::vector<torch::Tensor> maps, masks;
    const bool with_masks = pixels != nullptr && loader.dataset().hasMasks();
    const bool keep_maps = rows != nullptr && (opt.save_maps || with_masks);
    loader.startEpoch(0);
    while (auto batch = loader.next()) {
      const auto x = batch->images.to(setup_.device);
      std::vector<std::uint64_t> seeds;
      for (const std::size_t index : batch->indices)
        seeds.push_back(imageSeed(setup_.seed, loader.dataset().entry(index).path));
      const ScoredBatch s = scoreBatch(model, x, opt.score, seeds);
      const auto rec = s.reconstruction.to(torch::kCPU), x_cpu = batch->images;
      const torch::Tensor lp = rows && lpips ? (*lpips)(s.reconstruction, x) : torch::Tensor();
      for (int64_t i = 0; i < x.size(0); ++i) {
        values.insert(values.end(),
                      {static_cast<double>(batch->indices[i]), s.score[i].item<double>(),
                       rows ? s.l1[i].item<double>() : 0.0,
                       rows ? ssim(rec[i][0], x_cpu[i][0], 1.0) : 0.0,
                       lp.defined() ? lp[i].item<double>() : 0.0});
        if (keep_maps) maps.push_back(s.anomaly_map[i][0].to(torch::kCPU, torch::kDouble).flatten());
        if (with_masks) masks.push_back((batch->masks[i].flatten() > 0.5).to(torch::kDouble));
      }
    }
    const int64_t n = static_cast<int64_t>(values.size() / 5);
    torch::Tensor table = torch::tensor(values, torch::kDouble).view({n, 5});
    torch::Tensor map_rows = maps.empty() ? torch::Tensor() : torch::stack(maps);
    torch::Tensor mask_rows = masks.empty() ? torch::Tensor() : torch::stack(masks);
    if (group) {
      table = group->allGather(table);
      if (keep_maps) map_rows = group->allGather(map_rows);
      if (with_masks) mask_rows = group->allGather(mask_rows);
    }
    const torch::Tensor order = table.select(1, 0).argsort();
    table = table.index_select(0, order).contiguous();
    std::vector<double> scores;
    for (int64_t i = 0; i < table.size(0); ++i) scores.push_back(table[i][1].item<double>());
    if (!rows || !main_rank) return scores;  // rank 0 alone writes the report
    if (keep_maps) map_rows = map_rows.index_select(0, order);
    if (with_masks) mask_rows = mask_rows.index_select(0, order).to(torch::kInt).contiguous();
    if (opt.save_maps) fs::create_directories(out_dir / "maps" / name);
    std::vector<torch::Tensor> examples;
    std::vector<std::string> example_names;
    const auto& dataset_options = loader.dataset().options();
    for (int64_t i = 0; i < table.size(0); ++i) {
      const auto index = static_cast<std::size_t>(table[i][0].item<double>());
      const std::string& path = loader.dataset().entry(index).path;
      rows->push_back(ImageRow{name, path, label, scores[static_cast<std::size_t>(i)],
                               table[i][2].item<double>(), table[i][3].item<double>(),
                               table[i][4].item<double>()});
      if (opt.save_maps) {
        const auto map =
            map_rows[i].to(torch::kFloat).view({dataset_options.height, dataset_options.width});
        const std::string stem = fmt::format("{:05d}_{}", i, fs::path(path).stem().string());
        writeNpy((out_dir / "maps" / name / (stem + ".npy")).string(), map);
        if (canWriteFigures())
          writeHeatmapPng((out_dir / "maps" / name / (stem + ".png")).string(), map, opt.map_vmax);
      }
      if (static_cast<int>(examples.size()) < opt.example_images) {
        if (auto sample = loader.dataset().get(index)) {
          examples.push_back(sample->image);
          example_names.push_back(fs::path(path).filename().string());
        }
      }
    }
    if (with_masks) {
      const auto r = map_rows.flatten().contiguous();
      const auto m = mask_rows.flatten().contiguous();
      pixels->residual.assign(r.data_ptr<double>(), r.data_ptr<double>() + r.numel());
      pixels->mask.assign(m.data_ptr<int>(), m.data_ptr<int>() + m.numel());
    }
    if (figures && !examples.empty()) {
      writeExampleFigure((out_dir / ("examples_" + name + ".png")).string(), model,
                         torch::stack(examples).to(setup_.device), example_names, opt.map_vmax);
    }
    return scores;
  };

  std::vector<ImageRow> rows;
  std::map<std::string, PixelData> pixels;
  std::vector<std::string> normal_sets, pathology_sets;
  for (auto& [name, loader] : setup_.datasets) {
    const int label = name.find("Normal") != std::string::npos ? 0 : 1;
    (label == 0 ? normal_sets : pathology_sets).push_back(name);
    scoreLoader(*loader, name, label, &rows, &pixels[name]);
  }

  nlohmann::json metrics;
  metrics["task"] = setup_.task;
  metrics["score"] = opt.score.describe();
  if (opt.score.smoothing_sigma > 0) metrics["smoothing_sigma"] = opt.score.smoothing_sigma;
  std::optional<double> threshold;
  if (setup_.normal_validation) {
    threshold =
        percentile(scoreLoader(*setup_.normal_validation, "validation", 0, nullptr, nullptr),
                   opt.threshold_percentile);
    metrics["threshold"] = {{"value", *threshold},
                            {"percentile", opt.threshold_percentile},
                            {"source", "normal validation split"}};
  }
  if (!main_rank) return std::string();  // the other ranks only scored their shards
  for (const auto& [name, loader] : setup_.datasets) {
    std::vector<double> s, l1, ss, lp;
    for (const auto& r : rows) {
      if (r.dataset != name) continue;
      s.push_back(r.score), l1.push_back(r.l1), ss.push_back(r.ssim), lp.push_back(r.lpips);
    }
    nlohmann::json j = {{"images", s.size()},    {"score_mean", mean(s)}, {"score_std", stddev(s)},
                        {"l1_mean", mean(l1)},   {"l1_std", stddev(l1)},  {"ssim_mean", mean(ss)},
                        {"ssim_std", stddev(ss)}};
    if (lpips) j["lpips_mean"] = mean(lp), j["lpips_std"] = stddev(lp);
    if (threshold) {
      const auto flagged =
          std::count_if(s.begin(), s.end(), [&](double v) { return v > *threshold; });
      j["flagged_fraction"] =
          s.empty() ? 0.0 : static_cast<double>(flagged) / static_cast<double>(s.size());
    }
    metrics["datasets"][name] = j;
  }

  // Every pathology dataset against the first normal one (upstream: the first dataset whose name
  // contains "Normal"; further normal datasets are not pooled into it).
  std::vector<DatasetCurves> curves;
  for (const auto& name : pathology_sets) {
    nlohmann::json& m = metrics["datasets"][name];
    if (opt.compute_scores && !normal_sets.empty()) {
      DatasetCurves c{name, {}, {}};
      for (const auto& r : rows) {
        if (r.dataset == name || r.dataset == normal_sets.front())
          c.labels.push_back(r.label), c.scores.push_back(r.score);
      }
      m["auroc"] = aurocScore(c.labels, c.scores);
      m["auprc"] = averagePrecision(c.labels, c.scores);
      m["fpr_at_tpr95"] = fprAtTpr(c.labels, c.scores, 0.95);
      m["fpr_at_tpr99"] = fprAtTpr(c.labels, c.scores, 0.99);
      m["normal_reference"] = normal_sets.front();
      curves.push_back(std::move(c));
    }
    const PixelData& px = pixels[name];
    const auto positives = std::count(px.mask.begin(), px.mask.end(), 1);
    if (positives > 0 && positives < static_cast<std::ptrdiff_t>(px.mask.size())) {
      m["pixel_auroc"] = aurocScore(px.mask, px.residual);
      m["pixel_auprc"] = averagePrecision(px.mask, px.residual);
      m["best_dice"] = bestDice(px.residual, px.mask);
    }
  }
  if (figures && !curves.empty()) writeCurveFigures(out_dir.string(), curves);

  // table.md: pathology datasets, then the normal ones; "-" where a metric does not apply.
  std::vector<std::pair<std::string, std::string>> columns = {
      {"AUROC", "auroc"},         {"AUPRC", "auprc"},    {"FPR@95", "fpr_at_tpr95"},
      {"FPR@99", "fpr_at_tpr99"}, {"SSIM", "ssim_mean"}, {"L1", "l1_mean"}};
  if (lpips) columns.emplace_back("LPIPS", "lpips_mean");
  columns.insert(
      columns.end(),
      {{"pixel AUROC", "pixel_auroc"}, {"pixel AUPRC", "pixel_auprc"}, {"best Dice", "best_dice"}});
  std::ostringstream table;
  table << "| dataset |";
  for (const auto& c : columns) table << " " << c.first << " |";
  table << "\n|---|";
  for (std::size_t i = 0; i < columns.size(); ++i) table << "---|";
  table << "\n";
  for (const auto* group : {&pathology_sets, &normal_sets}) {
    for (const auto& name : *group) {
      const nlohmann::json& m = metrics["datasets"][name];
      table << "| " << name << (group == &normal_sets ? " (normal)" : "") << " |";
      for (const auto& c : columns) {
        table << " "
              << (m.contains(c.second) ? fmt::format("{:.4f}", m[c.second].get<double>()) : "-")
              << " |";
      }
      table << "\n";
    }
  }

  writeFileAtomic((out_dir / "metrics.json").string(), metrics.dump(2) + "\n");
  std::ostringstream csv;
  csv << "dataset,path,label,score,l1,ssim" << (lpips ? ",lpips\n" : "\n");
  for (const auto& r : rows) {
    csv << r.dataset << "," << csvQuote(r.path) << "," << r.label << ","
        << fmt::format("{:.17g},{:.17g},{:.17g}", r.score, r.l1, r.ssim)
        << (lpips ? fmt::format(",{:.17g}", r.lpips) : "") << "\n";
  }
  writeFileAtomic((out_dir / "scores.csv").string(), csv.str());
  const std::string md = "# " + setup_.task + "\n\n" + table.str();
  writeFileAtomic((out_dir / "table.md").string(), md);
  return md;
}

}  // namespace morphaeus
