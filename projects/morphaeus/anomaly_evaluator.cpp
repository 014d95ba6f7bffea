#include "projects/morphaeus/anomaly_evaluator.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/atomic_file.h"
#include "core/metrics/roc.h"
#include "core/metrics/ssim.h"
#include "models/reconstruction.h"

namespace morphaeus {
namespace {

struct ImageRow {
  std::string dataset, path;
  int label = 0;
  double score = 0, l1 = 0, ssim = 0;
};

struct PixelData {
  std::vector<double> residual;
  std::vector<int> mask;
};

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / v.size();
}

double stddev(const std::vector<double>& v) {  // population std, as numpy's default
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return v.empty() ? 0 : std::sqrt(s / v.size());
}

// numpy.percentile with linear interpolation.
double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q / 100.0 * (v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos)), hi = static_cast<std::size_t>(std::ceil(pos));
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

torch::Tensor gaussianSmooth(const torch::Tensor& maps, double sigma) {
  const int64_t radius = static_cast<int64_t>(std::ceil(3 * sigma));
  auto k = torch::arange(-radius, radius + 1, maps.options()).pow(2).div(-2 * sigma * sigma).exp();
  k = k / k.sum();
  const std::vector<int64_t> stride{1, 1}, pad_w{0, radius}, pad_h{radius, 0};
  auto out = torch::conv2d(maps, k.view({1, 1, 1, -1}), torch::Tensor(), stride, pad_w);
  return torch::conv2d(out, k.view({1, 1, -1, 1}), torch::Tensor(), stride, pad_h);
}

double bestDice(const PixelData& p) {
  std::vector<double> sorted = p.residual;
  std::sort(sorted.begin(), sorted.end());
  double positives = 0;
  for (int m : p.mask) positives += m;
  double best = 0;
  for (int q = 1; q < 100; ++q) {
    const double t = sorted[static_cast<std::size_t>(q / 100.0 * (sorted.size() - 1))];
    double tp = 0, predicted = 0;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      const bool on = p.residual[i] > t;
      predicted += on;
      tp += on && p.mask[i];
    }
    if (predicted + positives > 0) best = std::max(best, 2 * tp / (predicted + positives));
  }
  return best;
}

}  // namespace

std::string AnomalyEvaluator::run() {
  namespace fs = std::filesystem;
  const ConfigNode* params = setup_.config.find("params");
  static const ConfigNode kEmpty = ConfigNode::map({}, "");
  const ConfigNode& p = params && params->isMap() ? *params : kEmpty;
  const bool use_max = p.getString("score_reduction", "mean") == "max";
  const double sigma = p.getDouble("smoothing_sigma", 0.0);
  const double q = p.getDouble("threshold_percentile", 95.0);

  torch::nn::Module& model = *setup_.model;
  model.eval();
  torch::NoGradGuard no_grad;
  auto scoresOf = [&](BatchLoader& loader, const std::string& name, int label, std::vector<ImageRow>* rows,
                      PixelData* pixels) {
    std::vector<double> scores;
    loader.startEpoch(0);
    while (auto batch = loader.next()) {
      const auto x = batch->images.to(setup_.device);
      const auto rec = reconstruct(model, x);
      auto residual = (rec - x).abs();
      const auto l1 = residual.mean({1, 2, 3}).to(torch::kCPU);
      if (sigma > 0) residual = gaussianSmooth(residual, sigma);
      const auto score = (use_max ? residual.amax({1, 2, 3}) : residual.mean({1, 2, 3})).to(torch::kCPU);
      const auto rec_cpu = rec.to(torch::kCPU), x_cpu = x.to(torch::kCPU), res_cpu = residual.to(torch::kCPU);
      for (int64_t i = 0; i < x.size(0); ++i) {
        scores.push_back(score[i].item<double>());
        if (rows) {
          rows->push_back(ImageRow{name, loader.dataset().entry(batch->indices[i]).path, label, scores.back(),
                                   l1[i].item<double>(), ssim(rec_cpu[i][0], x_cpu[i][0], 1.0)});
        }
        if (pixels && batch->masks.defined()) {
          const auto r = res_cpu[i].flatten().to(torch::kDouble).contiguous();
          const auto m = (batch->masks[i].flatten() > 0.5).to(torch::kInt).contiguous();
          pixels->residual.insert(pixels->residual.end(), r.data_ptr<double>(), r.data_ptr<double>() + r.numel());
          pixels->mask.insert(pixels->mask.end(), m.data_ptr<int>(), m.data_ptr<int>() + m.numel());
        }
      }
    }
    return scores;
  };

  std::vector<ImageRow> rows;
  std::map<std::string, PixelData> pixels;
  std::vector<std::string> normal_sets, pathology_sets;
  for (auto& [name, loader] : setup_.datasets) {
    const int label = name.find("Normal") != std::string::npos ? 0 : 1;
    (label == 0 ? normal_sets : pathology_sets).push_back(name);
    scoresOf(*loader, name, label, &rows, &pixels[name]);
  }

  nlohmann::json metrics;
  metrics["task"] = setup_.task;
  metrics["score"] = use_max ? "max |rec - x|" : "mean |rec - x|";
  if (sigma > 0) metrics["smoothing_sigma"] = sigma;
  std::optional<double> threshold;
  if (setup_.normal_validation) {
    threshold = percentile(scoresOf(*setup_.normal_validation, "validation", 0, nullptr, nullptr), q);
    metrics["threshold"] = {{"value", *threshold}, {"percentile", q}, {"source", "normal validation split"}};
  }
  auto stats = [&](const std::string& name) {
    std::vector<double> s, l1, ss;
    for (const auto& r : rows)
      if (r.dataset == name) s.push_back(r.score), l1.push_back(r.l1), ss.push_back(r.ssim);
    nlohmann::json j = {{"images", s.size()}, {"score_mean", mean(s)}, {"score_std", stddev(s)},
                        {"l1_mean", mean(l1)}, {"l1_std", stddev(l1)}, {"ssim_mean", mean(ss)}, {"ssim_std", stddev(ss)}};
    if (threshold) {
      double flagged = 0;
      for (double v : s) flagged += v > *threshold;
      j["flagged_fraction"] = s.empty() ? 0.0 : flagged / s.size();
    }
    return j;
  };
  for (const auto& [name, loader] : setup_.datasets) metrics["datasets"][name] = stats(name);

  std::ostringstream table;
  table << "| dataset | AUROC | AUPRC | FPR@95 | FPR@99 | SSIM | L1 | pixel AUROC | pixel AUPRC | best Dice |\n"
        << "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& name : pathology_sets) {
    std::vector<int> labels;
    std::vector<double> scores;
    for (const auto& r : rows) {
      if (r.dataset == name || (r.label == 0)) {
        labels.push_back(r.label);
        scores.push_back(r.score);
      }
    }
    nlohmann::json& m = metrics["datasets"][name];
    if (!normal_sets.empty()) {
      m["auroc"] = aurocScore(labels, scores);
      m["auprc"] = averagePrecision(labels, scores);
      m["fpr_at_tpr95"] = fprAtTpr(labels, scores, 0.95);
      m["fpr_at_tpr99"] = fprAtTpr(labels, scores, 0.99);
    }
    const PixelData& px = pixels[name];
    const bool has_pixels = !px.mask.empty() && std::count(px.mask.begin(), px.mask.end(), 1) > 0 &&
                            std::count(px.mask.begin(), px.mask.end(), 0) > 0;
    if (has_pixels) {
      m["pixel_auroc"] = aurocScore(px.mask, px.residual);
      m["pixel_auprc"] = averagePrecision(px.mask, px.residual);
      m["best_dice"] = bestDice(px);
    }
    auto f = [&](const char* k) { return m.contains(k) ? fmt::format("{:.4f}", m[k].get<double>()) : std::string("-"); };
    table << fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", name, f("auroc"), f("auprc"),
                         f("fpr_at_tpr95"), f("fpr_at_tpr99"), f("ssim_mean"), f("l1_mean"), f("pixel_auroc"),
                         f("pixel_auprc"), f("best_dice"));
  }
  for (const auto& name : normal_sets) {
    const nlohmann::json& m = metrics["datasets"][name];
    table << fmt::format("| {} (normal) | - | - | - | - | {:.4f} | {:.4f} | - | - | - |\n", name,
                         m["ssim_mean"].get<double>(), m["l1_mean"].get<double>());
  }

  fs::create_directories(setup_.out_dir);
  writeFileAtomic((fs::path(setup_.out_dir) / "metrics.json").string(), metrics.dump(2) + "\n");
  std::ostringstream csv;
  csv << "dataset,path,label,score,l1,ssim\n";
  for (const auto& r : rows) {
    csv << r.dataset << ",\"" << r.path << "\"," << r.label << "," << fmt::format("{:.17g},{:.17g},{:.17g}", r.score, r.l1, r.ssim)
        << "\n";
  }
  writeFileAtomic((fs::path(setup_.out_dir) / "scores.csv").string(), csv.str());
  const std::string md = "# " + setup_.task + "\n\n" + table.str();
  writeFileAtomic((fs::path(setup_.out_dir) / "table.md").string(), md);
  return md;
}

}  // namespace morphaeus
