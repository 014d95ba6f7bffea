#include "core/commands/reproduce/paper_figures.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>

#include "core/base/atomic_file.h"
#include "core/base/shared_files.h"
#include "core/commands/reproduce/figure_runs.h"
#include "core/config/yaml_loader.h"
#include "core/report/bar_plot.h"
#include "core/report/curve_plot.h"
#include "core/report/example_sheet.h"
#include "core/report/html_page.h"
#include "core/report/text_table.h"
#include "core/train/stop_signal.h"
#include "data/data_error.h"

namespace morphaeus {
namespace {
namespace fs = std::filesystem;

constexpr int kDepths = 6;

// `path` as given or shipped (source tree or share/morphaeus).
std::string findConfig(const std::string& path) {
  const std::string found = shippedOrGiven(path);
  if (!fs::exists(found)) throw DataError(path + ": no such config");
  return found;
}

std::string listText(const std::vector<int>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

std::string outputOf(const ReproduceOptions& o, const char* figure) {
  return o.output == ReproduceOptions{}.output ? std::string("runs/figure-") + figure : o.output;
}

// Rows of the example sheet: `count` examples of each dataset, labelled "dataset #i".
std::vector<std::string> exampleLabels(const std::vector<DatasetExamples>& examples) {
  std::vector<std::string> labels;
  for (const auto& e : examples)
    for (int64_t i = 0; i < e.inputs.size(0); ++i)
      labels.push_back(e.dataset + " #" + std::to_string(i + 1));
  return labels;
}

torch::Tensor stacked(const std::vector<DatasetExamples>& examples, bool reconstructions) {
  std::vector<torch::Tensor> parts;
  for (const auto& e : examples) parts.push_back(reconstructions ? e.reconstructions : e.inputs);
  return torch::cat(parts);
}

struct DepthRow {
  int depth;
  DatasetScores scores;
};

void writeDepthCsv(const std::string& path, const std::vector<DepthRow>& rows, bool lpips) {
  std::string text = std::string("depth,dataset,l1,ssim") + (lpips ? ",lpips" : "") + "\n";
  for (const auto& r : rows) {
    text +=
        fmt::format("{},{},{:.17g},{:.17g}", r.depth, r.scores.dataset, r.scores.l1, r.scores.ssim);
    if (lpips) text += r.scores.lpips ? fmt::format(",{:.17g}", *r.scores.lpips) : ",";
    text += "\n";
  }
  writeFileAtomic(path, text);
}

TextTable depthTable(const std::vector<DepthRow>& rows, bool lpips) {
  TextTable t;
  t.columns = {{"depth", {"depth"}}, {"dataset", {"dataset"}}, {"L1", {"l1"}}, {"SSIM", {"ssim"}}};
  if (lpips) t.columns.push_back({"LPIPS", {"lpips"}});
  for (const auto& r : rows) {
    auto cell = [](double v) {
      return TableCell{fmt::format("{:.4f}", v), {fmt::format("{:.17g}", v)}};
    };
    std::vector<TableCell> row = {{"AE" + std::to_string(r.depth), {std::to_string(r.depth)}},
                                  {r.scores.dataset, {r.scores.dataset}},
                                  cell(r.scores.l1),
                                  cell(r.scores.ssim)};
    if (lpips) row.push_back(r.scores.lpips ? cell(*r.scores.lpips) : TableCell{"-", {""}});
    t.rows.push_back(std::move(row));
  }
  return t;
}

// One bar group per depth, one bar per dataset.
void writeMetricPlot(const std::string& path, const std::string& metric,
                     const std::vector<DepthRow>& rows, double (*value)(const DatasetScores&)) {
  BarPlot plot;
  plot.title = metric + " of the reconstruction against depth";
  plot.y_label = metric;
  std::map<int, BarGroup> groups;
  for (const auto& r : rows) {
    const auto at = std::find(plot.series.begin(), plot.series.end(), r.scores.dataset);
    if (at == plot.series.end()) plot.series.push_back(r.scores.dataset);
  }
  double top = 0;
  for (const auto& r : rows) {
    BarGroup& g = groups[r.depth];
    g.label = "AE" + std::to_string(r.depth);
    g.values.resize(plot.series.size(), std::nan(""));
    g.errors.resize(plot.series.size(), 0.0);
    const auto k =
        std::find(plot.series.begin(), plot.series.end(), r.scores.dataset) - plot.series.begin();
    g.values[static_cast<std::size_t>(k)] = value(r.scores);
    top = std::max(top, value(r.scores));
  }
  for (auto& [depth, g] : groups) plot.groups.push_back(g);
  plot.y_max = metric == "SSIM" ? 1.0 : std::max(1e-3, top * 1.15);
  writeBarPlot(path, plot);
}

}  // namespace

const std::vector<int>& depthChannels() {
  static const std::vector<int> channels = {16, 32, 64, 128, 256, 256};
  return channels;
}

namespace {

// The figure's channel counts: the config's model.params.channels over the default ones.
std::vector<int> depthChannelsOf(const std::string& config) {
  std::vector<int> channels = depthChannels();
  const ConfigNode root = loadYamlFile(config);
  const ConfigNode* given = root.find("model");
  given = given ? given->find("params") : nullptr;
  given = given ? given->find("channels") : nullptr;
  if (given != nullptr && given->isSequence()) {
    const auto list = given->asIntList();
    for (std::size_t i = 0; i < list.size() && i < channels.size(); ++i)
      channels[i] = static_cast<int>(list[i]);
  }
  return channels;
}

// AE1 ... AE6: the config with the first d channel counts and d strides of 2.
std::vector<FigureRun> depthRuns(const std::string& config, const std::vector<int>& channels,
                                 const std::string& out) {
  std::vector<FigureRun> runs;
  for (int d = 1; d <= kDepths; ++d) {
    const std::vector<int> c(channels.begin(), channels.begin() + d), s(d, 2);
    runs.push_back({"AE" + std::to_string(d),
                    config,
                    {"model.params.channels=" + listText(c), "model.params.strides=" + listText(s)},
                    fs::absolute(fs::path(out) / ("ae" + std::to_string(d))).string(),
                    std::nullopt});
  }
  return runs;
}

// The numbers of every depth and dataset, and a few examples of each dataset by every depth.
struct DepthResults {
  std::vector<DepthRow> rows;
  bool lpips = false;
  std::vector<SheetColumn> columns;  // the inputs, then each depth's reconstructions
  std::vector<DatasetExamples> first;
};

DepthResults depthResults(const std::vector<FigureRun>& runs, const ReproduceOptions& o,
                          const std::string& config) {
  DepthResults r;
  for (int d = 1; d <= kDepths; ++d) {
    const FigureRun& run = runs[static_cast<std::size_t>(d - 1)];
    for (const auto& s : datasetScores(run)) {
      r.rows.push_back({d, s});
      r.lpips = r.lpips || s.lpips.has_value();
    }
    const auto examples = reconstructExamples(run, o, o.examples);
    if (examples.empty()) throw std::runtime_error(config + ": no downstream dataset to show");
    if (d == 1) {
      r.first = examples;
      r.columns.push_back({"input", stacked(examples, false), false, 1.0});
    }
    r.columns.push_back({run.label, stacked(examples, true), false, 1.0});
  }
  return r;
}

// figure_depth.csv/.md/.png, the metric plots and report.html under `out`; the table printed.
void writeDepthFigure(const std::string& out, const std::string& config,
                      const std::vector<int>& channels, const DepthResults& r) {
  writeDepthCsv((fs::path(out) / "figure_depth.csv").string(), r.rows, r.lpips);
  const TextTable table = depthTable(r.rows, r.lpips);
  writeFileAtomic((fs::path(out) / "figure_depth.md").string(), table.markdown());
  HtmlPage page("Figure 2: auto-encoders of different depths");
  page.paragraph("Config " + config + "; depths 1-" + std::to_string(kDepths) + ", channels " +
                 listText(channels) + ".");
  if (canWriteFigures()) {
    writeExampleSheet((fs::path(out) / "figure_depth.png").string(), r.columns,
                      exampleLabels(r.first));
    writeMetricPlot((fs::path(out) / "figure_depth_l1.png").string(), "L1", r.rows,
                    [](const DatasetScores& s) { return s.l1; });
    writeMetricPlot((fs::path(out) / "figure_depth_ssim.png").string(), "SSIM", r.rows,
                    [](const DatasetScores& s) { return s.ssim; });
    page.image("figure_depth.png", "inputs and their reconstructions by AE1 ... AE6");
    page.image("figure_depth_l1.png", "L1 against depth");
    page.image("figure_depth_ssim.png", "SSIM against depth");
    if (r.lpips) {
      writeMetricPlot((fs::path(out) / "figure_depth_lpips.png").string(), "LPIPS", r.rows,
                      [](const DatasetScores& s) { return s.lpips.value_or(0.0); });
      page.image("figure_depth_lpips.png", "LPIPS against depth");
    }
  } else {
    spdlog::warn("this build has no OpenCV: figure_depth.png and the plots are not drawn");
  }
  page.heading(2, "Per depth and dataset");
  page.table(table);
  writeFileAtomic((fs::path(out) / "report.html").string(), page.html());
  std::cout << "\n" << table.markdown() << std::endl;
}

}  // namespace

int runDepthFigure(const ReproduceOptions& o) {
  const std::string config =
      findConfig(!o.config.empty() ? o.config
                 : o.synthetic     ? "configs/figures/depth.yaml"
                                   : "projects/morphaeus/configs/cor/baseline.yaml");
  const std::vector<int> channels = depthChannelsOf(config);
  const std::string out = outputOf(o, "depth");
  fs::create_directories(out);
  installStopHandlers();
  const std::vector<FigureRun> runs = depthRuns(config, channels, out);
  const SweepOutcome done = runFigureRuns(runs, o, out);
  if (stopRequested()) return 128 + stopSignal();
  if (done.pending > 0) return 0;  // the same command collects them later
  if (done.failed > 0) {
    spdlog::error("figure depth: {} of {} runs failed; no figure", done.failed, kDepths);
    return 1;
  }
  writeDepthFigure(out, config, channels, depthResults(runs, o, config));
  spdlog::info("figure depth: {}", fs::absolute(out).string());
  return 0;
}

int runTeaserFigure(const ReproduceOptions& o) {
  const std::string dir = !o.configs.empty() ? o.configs
                          : o.synthetic      ? "configs/figures"
                                             : "projects/morphaeus/configs/teaser";
  const std::string out = outputOf(o, "teaser");
  fs::create_directories(out);
  installStopHandlers();
  std::map<std::string, std::string> given;  // LABEL=FILE
  for (const auto& w : o.weights) {
    const auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == w.size())
      throw std::runtime_error("--weights " + w + ": expected LABEL=FILE, e.g. AE-S=best_model.pt");
    given[w.substr(0, eq)] = w.substr(eq + 1);
  }
  std::vector<FigureRun> runs;
  for (const char* stem : {"ae-s", "morphaeus"}) {
    const std::string config = findConfig(
        (fs::path(dir) /
         (std::string(o.synthetic && o.configs.empty() ? "teaser-" : "") + stem + ".yaml"))
            .string());
    const std::string label = loadYamlFile(config).getString("name", stem);
    FigureRun r{label, config, {}, fs::absolute(fs::path(out) / stem).string(), std::nullopt};
    if (auto w = given.find(label); w != given.end()) r.weights = w->second;
    runs.push_back(r);
  }
  for (const auto& [label, file] : given) {
    if (std::none_of(runs.begin(), runs.end(),
                     [&](const FigureRun& r) { return r.label == label; }))
      throw std::runtime_error("--weights " + label + "=...: the teaser's models are " +
                               runs[0].label + " and " + runs[1].label);
  }
  const SweepOutcome done = runFigureRuns(runs, o, out);
  if (stopRequested()) return 128 + stopSignal();
  if (done.pending > 0) return 0;  // the same command collects them later
  if (done.failed > 0) return 1;
  // Columns: one example of each dataset; rows: the input, then each model's reconstruction.
  std::vector<SheetColumn> columns;
  std::vector<std::string> rows = {"input"};
  std::vector<std::vector<DatasetExamples>> per_model;
  for (const auto& r : runs) {
    per_model.push_back(reconstructExamples(r, o, 1));
    rows.push_back(r.label);
  }
  for (std::size_t k = 0; k < per_model[0].size(); ++k) {
    std::vector<torch::Tensor> cells = {per_model[0][k].inputs[0]};
    for (const auto& m : per_model) {
      if (k >= m.size() || m[k].dataset != per_model[0][k].dataset) continue;
      cells.push_back(m[k].reconstructions[0]);
    }
    if (cells.size() != rows.size()) continue;
    columns.push_back({per_model[0][k].dataset, torch::stack(cells), false, 1.0});
  }
  if (columns.empty()) throw std::runtime_error(dir + ": no downstream dataset to show");
  HtmlPage page("Figure 1: what do autoencoders reconstruct?");
  if (canWriteFigures()) {
    writeExampleSheet((fs::path(out) / "figure_teaser.png").string(), columns, rows);
    page.image("figure_teaser.png", "rows: input, then each model's reconstruction");
  }
  for (const auto& r : runs) {
    const auto scores = datasetScores(r);
    TextTable t;
    t.columns = {{"dataset", {"dataset"}}, {"L1", {"l1"}}, {"SSIM", {"ssim"}}};
    for (const auto& s : scores)
      t.rows.push_back({{s.dataset, {s.dataset}},
                        {fmt::format("{:.4f}", s.l1), {fmt::format("{:.17g}", s.l1)}},
                        {fmt::format("{:.4f}", s.ssim), {fmt::format("{:.17g}", s.ssim)}}});
    page.heading(2, r.label);
    page.table(t);
    std::cout << "\n# " << r.label << "\n\n" << t.markdown();
  }
  writeFileAtomic((fs::path(out) / "report.html").string(), page.html());
  spdlog::info("figure teaser: {}", fs::absolute(out).string());
  return 0;
}

}  // namespace morphaeus
