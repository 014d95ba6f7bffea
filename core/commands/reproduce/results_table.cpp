#include "core/commands/reproduce/results_table.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "core/base/atomic_file.h"
#include "core/metrics/delong.h"
#include "core/metrics/statistics.h"
#include "core/report/bar_plot.h"
#include "core/report/curve_plot.h"
#include "core/report/html_page.h"
#include "data/csv_split.h"
#include "data/data_error.h"

namespace morphaeus {
namespace fs = std::filesystem;
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string full(double v) {
  return std::isnan(v) ? "" : fmt::format("{:.17g}", v);
}

double sampleStd(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  return stddev(v) * std::sqrt(static_cast<double>(v.size()) / static_cast<double>(v.size() - 1));
}

double number(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : kNaN;
}

// Bold: the best value of the column and every value that rounds to it (three decimals).
std::vector<bool> bestOf(const std::vector<double>& v, bool higher_is_better) {
  int best = -1;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (std::isnan(v[i])) continue;
    if (best < 0 || (higher_is_better ? v[i] > v[best] : v[i] < v[best]))
      best = static_cast<int>(i);
  }
  std::vector<bool> bold(v.size(), false);
  if (best < 0) return bold;
  for (std::size_t i = 0; i < v.size(); ++i)
    bold[i] = !std::isnan(v[i]) && fmt::format("{:.3f}", v[i]) == fmt::format("{:.3f}", v[best]);
  return bold;
}

TableCell meanStdCell(double m, double s) {
  if (std::isnan(m)) return {"-", {"", ""}, false};
  return {std::isnan(s) ? fmt::format("{:.3f}", m) : fmt::format("{:.3f} ± {:.3f}", m, s),
          {full(m), full(s)},
          false};
}

TableCell valueCell(double v, const char* format = "{:.3f}") {
  return {std::isnan(v) ? "-" : fmt::format(fmt::runtime(format), v), {full(v)}, false};
}

// Marks the best cells of table column `col` (rows' values in `v`).
void markBest(TextTable& t, std::size_t col, const std::vector<double>& v, bool higher) {
  const auto bold = bestOf(v, higher);
  for (std::size_t r = 0; r < t.rows.size(); ++r) t.rows[r][col].bold = bold[r];
}

// The images of one column as scores.csv lists them: the dataset's and its normal reference's.
struct ColumnScores {
  std::vector<std::string> paths;
  std::vector<int> labels;
  std::vector<double> scores;
};

ColumnScores readColumnScores(const ColumnReport& c) {
  std::ifstream in(c.scores_csv);
  if (!in) throw DataError(c.scores_csv + ": cannot open the scores");
  std::string line;
  std::getline(in, line);
  const auto header = splitCsvFields(line);
  const auto col = [&](const char* name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw DataError(c.scores_csv + ": no column " + name);
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t d = col("dataset"), p = col("path"), l = col("label"), s = col("score");
  ColumnScores out;
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto f = splitCsvFields(line);
    if (f.size() != header.size())
      throw DataError(fmt::format("{}:{}: {} fields, the header has {}", c.scores_csv, n, f.size(),
                                  header.size()));
    if (f[d] != c.dataset && f[d] != c.normal) continue;
    out.paths.push_back(f[p]);
    out.labels.push_back(f[l] == "0" ? 0 : 1);
    try {
      out.scores.push_back(std::stod(f[s]));
    } catch (const std::exception&) {
      throw DataError(fmt::format("{}:{}: score '{}' is not a number", c.scores_csv, n, f[s]));
    }
  }
  return out;
}

}  // namespace

const std::vector<TableMetric>& tableMetrics() {
  static const std::vector<TableMetric> kMetrics = {{"AUROC", "auroc", true},
                                                    {"AUPRC", "auprc", true},
                                                    {"FPR95", "fpr_at_tpr95", false},
                                                    {"SSIM", "ssim_mean", true},
                                                    {"L1", "l1_mean", false}};
  return kMetrics;
}

void ResultsTable::addRun(const std::string& method, const std::string& run_dir) {
  if (std::find(methods.begin(), methods.end(), method) == methods.end()) methods.push_back(method);
  const fs::path eval = fs::path(run_dir) / "eval";
  if (!fs::is_directory(eval)) throw DataError(eval.string() + ": no evaluation reports");
  std::vector<fs::path> tasks;
  for (const auto& e : fs::directory_iterator(eval))
    if (fs::exists(e.path() / "metrics.json")) tasks.push_back(e.path());
  std::sort(tasks.begin(), tasks.end());
  std::map<std::string, ColumnReport> run;
  for (const auto& task : tasks) {
    std::ifstream in(task / "metrics.json");
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw DataError((task / "metrics.json").string() + ": " + e.what());
    }
    for (const auto& [dataset, m] : j.at("datasets").items()) {
      if (!m.contains("auroc")) continue;  // normal datasets: no column of their own
      const std::string column =
          tasks.size() > 1 ? task.filename().string() + "/" + dataset : dataset;
      if (std::find(datasets.begin(), datasets.end(), column) == datasets.end())
        datasets.push_back(column);
      run[column] = ColumnReport{m, (task / "scores.csv").string(), dataset,
                                 m.value("normal_reference", std::string())};
    }
  }
  runs[method].push_back(std::move(run));
  run_dirs[method].push_back(run_dir);
}

namespace {

const ColumnReport* firstRun(const ResultsTable& t, const std::string& method,
                             const std::string& column) {
  const auto it = t.runs.find(method);
  if (it == t.runs.end() || it->second.empty()) return nullptr;
  const auto c = it->second.front().find(column);
  return c == it->second.front().end() ? nullptr : &c->second;
}

// Each run's scores.csv read once per table, however many tests it takes part in.
class ScoresCache {
 public:
  const ColumnScores& of(const ColumnReport& c) {
    const std::string key = c.scores_csv + "\n" + c.dataset;
    auto it = read_.find(key);
    if (it == read_.end()) it = read_.emplace(key, readColumnScores(c)).first;
    return it->second;
  }

 private:
  std::map<std::string, ColumnScores> read_;
};

// DeLong's test of two methods' first runs on one column; nullopt where a side is missing or the
// two did not score the same images.
std::optional<DelongResult> delongOf(const ResultsTable& t, const std::string& a,
                                     const std::string& b, const std::string& column,
                                     ScoresCache& cache) {
  const ColumnReport* ra = firstRun(t, a, column);
  const ColumnReport* rb = firstRun(t, b, column);
  if (ra == nullptr || rb == nullptr) return std::nullopt;
  const ColumnScores &sa = cache.of(*ra), &sb = cache.of(*rb);
  if (sa.paths != sb.paths || sa.labels != sb.labels) {
    spdlog::warn("{}: {} and {} scored different images; no DeLong test", column, a, b);
    return std::nullopt;
  }
  try {
    return delongTest(sa.labels, sa.scores, sb.scores);
  } catch (const std::invalid_argument& e) {
    spdlog::warn("{}: {} vs {}: {}", column, a, b, e.what());
    return std::nullopt;
  }
}

}  // namespace

TextTable ResultsTable::paperTable() const {
  TextTable t;
  t.columns.push_back({"method", {"method"}});
  for (const auto& d : datasets) {
    t.columns.push_back({d + " AUROC", {d + " AUROC mean", d + " AUROC std"}});
    t.columns.push_back({d + " AUPRC", {d + " AUPRC"}});
    t.columns.push_back({d + " FPR95", {d + " FPR95"}});
  }
  t.columns.push_back({"average AUROC", {"average AUROC"}});
  std::vector<std::vector<double>> values(t.columns.size());
  std::vector<bool> higher(t.columns.size(), true);
  for (std::size_t k = 0; k < datasets.size(); ++k) higher[3 + 3 * k] = false;  // FPR95
  for (const auto& method : methods) {
    std::vector<TableCell> row = {{method, {method}, false}};
    std::vector<double> aurocs;
    for (const auto& d : datasets) {
      const ColumnReport* r = firstRun(*this, method, d);
      double am = kNaN, as = kNaN, ap = kNaN, fp = kNaN;
      if (r != nullptr && r->metrics.contains("bootstrap")) {
        const auto& b = r->metrics["bootstrap"];
        am = number(b, "auroc_mean"), as = number(b, "auroc_std");
        ap = number(b, "auprc_mean"), fp = number(b, "fpr_at_tpr95_mean");
      } else if (r != nullptr) {  // a report without the bootstrap: the whole set's numbers
        am = number(r->metrics, "auroc"), ap = number(r->metrics, "auprc");
        fp = number(r->metrics, "fpr_at_tpr95");
      }
      const std::size_t c = row.size();
      values[c].push_back(am);
      values[c + 1].push_back(ap);
      values[c + 2].push_back(fp);
      row.push_back(meanStdCell(am, as));
      row.push_back(valueCell(ap));
      row.push_back(valueCell(fp));
      aurocs.push_back(am);
    }
    const bool all =
        std::none_of(aurocs.begin(), aurocs.end(), [](double v) { return std::isnan(v); });
    const double avg = all && !aurocs.empty() ? mean(aurocs) : kNaN;
    values[row.size()].push_back(avg);
    row.push_back(valueCell(avg));
    t.rows.push_back(std::move(row));
  }
  for (std::size_t c = 1; c < t.columns.size(); ++c) markBest(t, c, values[c], higher[c]);
  return t;
}

TextTable ResultsTable::statsTable() const {
  TextTable t;
  t.columns.push_back({"method", {"method"}});
  for (const auto& d : datasets) {
    t.columns.push_back({d + " AUROC", {d + " AUROC"}});
    t.columns.push_back({d + " 95% interval", {d + " interval low", d + " interval high"}});
    t.columns.push_back({d + " DeLong z vs " + reference, {d + " DeLong z"}});
    t.columns.push_back({d + " p", {d + " DeLong p"}});
  }
  ScoresCache cache;
  for (const auto& method : methods) {
    std::vector<TableCell> row = {{method, {method}, false}};
    for (const auto& d : datasets) {
      const ColumnReport* r = firstRun(*this, method, d);
      row.push_back(valueCell(r ? number(r->metrics, "auroc") : kNaN));
      if (r != nullptr && r->metrics.contains("interval")) {
        const auto& i = r->metrics["interval"];
        const double lo = i["auroc"][0].get<double>(), hi = i["auroc"][1].get<double>();
        row.push_back({fmt::format("{:.3f}-{:.3f}", lo, hi), {full(lo), full(hi)}, false});
      } else {
        row.push_back({"-", {"", ""}, false});
      }
      const auto test =
          method == reference ? std::nullopt : delongOf(*this, method, reference, d, cache);
      row.push_back(valueCell(test ? test->z : kNaN, "{:.2f}"));
      row.push_back(valueCell(test ? test->p_value : kNaN, "{:.3g}"));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

TextTable ResultsTable::pairsTable() const {
  TextTable t;
  t.columns.push_back({"pair", {"pair"}});
  for (const auto& d : datasets) {
    t.columns.push_back({d + " AUROC difference", {d + " AUROC difference"}});
    t.columns.push_back({d + " DeLong z", {d + " DeLong z"}});
    t.columns.push_back({d + " p", {d + " DeLong p"}});
  }
  ScoresCache cache;
  for (const auto& [a, b] : pairs) {
    const std::string name = a + " vs " + b;
    std::vector<TableCell> row = {{name, {name}, false}};
    for (const auto& d : datasets) {
      const auto test = delongOf(*this, a, b, d, cache);
      row.push_back(valueCell(test ? test->auroc_a - test->auroc_b : kNaN, "{:+.3f}"));
      row.push_back(valueCell(test ? test->z : kNaN, "{:.2f}"));
      row.push_back(valueCell(test ? test->p_value : kNaN, "{:.3g}"));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

bool ResultsTable::severalSeeds() const {
  return std::any_of(runs.begin(), runs.end(), [](const auto& kv) { return kv.second.size() > 1; });
}

TextTable ResultsTable::seedsTable() const {
  TextTable t;
  t.columns.push_back({"method", {"method"}});
  for (const auto& d : datasets)
    for (const auto& m : tableMetrics())
      t.columns.push_back(
          {d + " " + m.label, {d + " " + m.label + " mean", d + " " + m.label + " std"}});
  t.columns.push_back({"seeds", {"seeds"}});
  std::vector<std::vector<double>> means(t.columns.size());
  for (const auto& method : methods) {
    std::vector<TableCell> row = {{method, {method}, false}};
    const auto it = runs.find(method);
    const std::size_t n = it == runs.end() ? 0 : it->second.size();
    for (const auto& d : datasets)
      for (const auto& m : tableMetrics()) {
        std::vector<double> v;
        if (it != runs.end())
          for (const auto& run : it->second) {
            const auto c = run.find(d);
            if (c != run.end() && !std::isnan(number(c->second.metrics, m.key)))
              v.push_back(number(c->second.metrics, m.key));
          }
        const double mu = v.empty() ? kNaN : mean(v);
        means[row.size()].push_back(mu);
        row.push_back(meanStdCell(mu, v.size() > 1 ? sampleStd(v) : kNaN));
        if (v.size() == 1) row.back().csv[1] = full(0.0);
      }
    row.push_back({std::to_string(n), {std::to_string(n)}, false});
    t.rows.push_back(std::move(row));
  }
  std::size_t c = 1;
  for (std::size_t k = 0; k < datasets.size(); ++k)
    for (const auto& m : tableMetrics()) markBest(t, c, means[c], m.higher_is_better), ++c;
  return t;
}

std::vector<TableSection> ResultsTable::sections() const {
  std::vector<TableSection> out;
  out.push_back(
      {"table",
       "The paper's protocol: one model per method, AUROC mean ± std over the 5 bootstrap "
       "resamples",
       paperTable()});
  out.push_back({"table_stats",
                 "The whole test set: 95% bootstrap interval, DeLong's test against " + reference,
                 statsTable()});
  if (!pairs.empty())
    out.push_back({"table_pairs", "DeLong's test of the pairs asked for", pairsTable()});
  if (severalSeeds())
    out.push_back({"table_seeds", "Over the training seeds: mean ± sample std", seedsTable()});
  return out;
}

std::string ResultsTable::markdown(const std::vector<TableSection>& sections) {
  std::ostringstream out;
  for (std::size_t i = 0; i < sections.size(); ++i)
    out << (i ? "\n" : "") << "## " << sections[i].heading << "\n\n"
        << sections[i].table.markdown();
  return out.str();
}

void ResultsTable::writeReport(const std::string& dir, const std::vector<TableSection>& sections,
                               bool figure) const {
  HtmlPage page("MorphAEus-cpp sweep " + fs::absolute(dir).lexically_normal().filename().string());
  for (const auto& s : sections) {
    page.heading(2, s.heading);
    page.table(s.table);
  }
  if (figure) page.image("auroc.png", "AUROC per method", 900);
  page.heading(2, "Runs");
  std::string list = "<ul>\n";
  for (const auto& method : methods) {
    const auto it = run_dirs.find(method);
    if (it == run_dirs.end()) continue;
    for (const auto& run : it->second) {
      const fs::path page_path = fs::path(run) / "report.html";
      const std::string name = method + " " + fs::path(run).filename().string();
      list += fs::exists(page_path)
                  ? "<li><a href=\"" +
                        htmlEscape(fs::relative(page_path, fs::absolute(dir)).generic_string()) +
                        "\">" + htmlEscape(name) + "</a></li>\n"
                  : "<li>" + htmlEscape(name) + " (no report.html)</li>\n";
    }
  }
  page.raw(list + "</ul>\n");
  writeFileAtomic((fs::path(dir) / "report.html").string(), page.html());
}

void ResultsTable::write(const std::string& dir, const std::vector<TableSection>& sections) const {
  for (const auto& s : sections) writeTextTable(dir, s.stem, s.table);
  const bool figure = canWriteFigures() && !datasets.empty();
  writeReport(dir, sections, figure);
  if (!figure) return;
  // The bars: the seeds table's AUROC where there are several seeds, else the paper table's.
  const TableSection& source =
      sections.back().stem == "table_seeds" ? sections.back() : sections.front();
  const bool seeds = source.stem == "table_seeds";
  BarPlot plot{"AUROC per method",
               seeds ? "AUROC (mean +- std over seeds)" : "AUROC (bootstrap mean +- std)",
               datasets,
               {},
               0.0,
               1.0};
  const std::size_t stride = seeds ? tableMetrics().size() : 3;
  for (const auto& row : source.table.rows) {
    BarGroup g{row[0].text, {}, {}};
    for (std::size_t k = 0; k < datasets.size(); ++k) {
      const auto& cell = row[1 + k * stride];
      g.values.push_back(cell.csv[0].empty() ? kNaN : std::stod(cell.csv[0]));
      g.errors.push_back(cell.csv[1].empty() ? 0.0 : std::stod(cell.csv[1]));
    }
    plot.groups.push_back(std::move(g));
  }
  writeBarPlot((fs::path(dir) / "auroc.png").string(), plot);
}

}  // namespace morphaeus
