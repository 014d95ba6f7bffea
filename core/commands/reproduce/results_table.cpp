#include "core/commands/reproduce/results_table.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <optional>
#include <sstream>

#include "core/base/atomic_file.h"
#include "core/base/run_layout.h"
#include "core/commands/reproduce/sweep_numbers.h"
#include "core/report/bar_plot.h"
#include "core/report/curve_plot.h"
#include "core/report/html_page.h"

namespace morphaeus {
namespace fs = std::filesystem;
namespace {

// How a column shows its Estimate.
enum class Shown {
  MeanStd,   // "0.812 ± 0.004" (CSV: mean, std)
  Value,     // the value in `format` (CSV: the value)
  Interval,  // "0.790-0.830" (CSV: low, high)
};

// One column of a table: which number of each row it shows, and how.
struct ColumnSpec {
  TableColumn header;
  std::string dataset, metric;  // the number (SweepNumbers' keys)
  Shown shown = Shown::Value;
  const char* format = "{:.3f}";     // Shown::Value
  std::optional<bool> bold_highest;  // bold the best value: the highest (true) or the lowest
};

// Every digit of a value, for the CSV; empty for none.
std::string full(double v) {
  return std::isnan(v) ? "" : fmt::format("{:.17g}", v);
}

TableCell cellOf(const Estimate& e, const ColumnSpec& c) {
  switch (c.shown) {
    case Shown::MeanStd: {
      if (std::isnan(e.value)) return {"-", {"", ""}, false};
      const bool with_std = !std::isnan(e.spread) && e.seeds != 1;
      return {with_std ? fmt::format("{:.3f} ± {:.3f}", e.value, e.spread)
                       : fmt::format("{:.3f}", e.value),
              {full(e.value), full(e.spread)},
              false};
    }
    case Shown::Interval:
      if (std::isnan(e.low)) return {"-", {"", ""}, false};
      return {fmt::format("{:.3f}-{:.3f}", e.low, e.high), {full(e.low), full(e.high)}, false};
    case Shown::Value:
      break;
  }
  return {std::isnan(e.value) ? "-" : fmt::format(fmt::runtime(c.format), e.value),
          {full(e.value)},
          false};
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

// The table of `rows` (labelled under `row_header`) by `columns`, the numbers formatted here.
TextTable tableOf(const std::string& row_header, const std::vector<std::string>& rows,
                  const std::vector<ColumnSpec>& columns, const SweepNumbers& numbers) {
  TextTable t;
  t.columns.push_back({row_header, {row_header}});
  for (const auto& c : columns) t.columns.push_back(c.header);
  for (const auto& row : rows) {
    std::vector<TableCell> cells = {{row, {row}, false}};
    for (const auto& c : columns) cells.push_back(cellOf(numbers.at(row, c.dataset, c.metric), c));
    t.rows.push_back(std::move(cells));
  }
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (!columns[k].bold_highest) continue;
    std::vector<double> values;
    for (const auto& row : rows)
      values.push_back(numbers.at(row, columns[k].dataset, columns[k].metric).value);
    const auto bold = bestOf(values, *columns[k].bold_highest);
    for (std::size_t r = 0; r < rows.size(); ++r) t.rows[r][k + 1].bold = bold[r];
  }
  return t;
}

ColumnSpec column(std::string title, std::vector<std::string> csv, std::string dataset,
                  std::string metric, Shown shown, const char* format = "{:.3f}",
                  std::optional<bool> bold_highest = std::nullopt) {
  return {{std::move(title), std::move(csv)},
          std::move(dataset),
          std::move(metric),
          shown,
          format,
          bold_highest};
}

std::vector<ColumnSpec> paperColumns(const std::vector<std::string>& datasets) {
  std::vector<ColumnSpec> c;
  for (const auto& d : datasets) {
    c.push_back(column(d + " AUROC", {d + " AUROC mean", d + " AUROC std"}, d, "AUROC",
                       Shown::MeanStd, "", true));
    c.push_back(column(d + " AUPRC", {d + " AUPRC"}, d, "AUPRC", Shown::Value, "{:.3f}", true));
    c.push_back(column(d + " FPR95", {d + " FPR95"}, d, "FPR95", Shown::Value, "{:.3f}", false));
  }
  c.push_back(column("average AUROC", {"average AUROC"}, "", "average AUROC", Shown::Value,
                     "{:.3f}", true));
  return c;
}

std::vector<ColumnSpec> statsColumns(const std::vector<std::string>& datasets,
                                     const std::string& reference) {
  std::vector<ColumnSpec> c;
  for (const auto& d : datasets) {
    c.push_back(column(d + " AUROC", {d + " AUROC"}, d, "AUROC", Shown::Value));
    c.push_back(column(d + " 95% interval", {d + " interval low", d + " interval high"}, d, "AUROC",
                       Shown::Interval));
    c.push_back(column(d + " DeLong z vs " + reference, {d + " DeLong z"}, d, "DeLong z",
                       Shown::Value, "{:.2f}"));
    c.push_back(column(d + " p", {d + " DeLong p"}, d, "DeLong p", Shown::Value, "{:.3g}"));
  }
  return c;
}

std::vector<ColumnSpec> pairsColumns(const std::vector<std::string>& datasets) {
  std::vector<ColumnSpec> c;
  for (const auto& d : datasets) {
    c.push_back(column(d + " AUROC difference", {d + " AUROC difference"}, d, "AUROC difference",
                       Shown::Value, "{:+.3f}"));
    c.push_back(column(d + " DeLong z", {d + " DeLong z"}, d, "DeLong z", Shown::Value, "{:.2f}"));
    c.push_back(column(d + " p", {d + " DeLong p"}, d, "DeLong p", Shown::Value, "{:.3g}"));
  }
  return c;
}

std::vector<ColumnSpec> seedsColumns(const std::vector<std::string>& datasets) {
  std::vector<ColumnSpec> c;
  for (const auto& d : datasets) {
    for (const auto& m : tableMetrics()) {
      c.push_back(column(d + " " + m.label,
                         {d + " " + m.label + " mean", d + " " + m.label + " std"}, d, m.label,
                         Shown::MeanStd, "", m.higher_is_better));
    }
  }
  c.push_back(column("seeds", {"seeds"}, "", "seeds", Shown::Value, "{:.0f}"));
  return c;
}

std::vector<std::string> pairRows(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::vector<std::string> rows;
  for (const auto& [a, b] : pairs) rows.push_back(a + " vs " + b);
  return rows;
}

}  // namespace

std::vector<TableSection> ResultsTable::sections() const {
  std::vector<TableSection> out;
  out.push_back({"table",
                 "The paper's protocol: one model per method, AUROC mean ± std over the 5 "
                 "bootstrap resamples",
                 tableOf("method", runs.methods, paperColumns(runs.datasets), paperNumbers(runs))});
  out.push_back({"table_stats",
                 "The whole test set: 95% bootstrap interval, DeLong's test against " + reference,
                 tableOf("method", runs.methods, statsColumns(runs.datasets, reference),
                         statsNumbers(runs, reference))});
  if (!pairs.empty()) {
    out.push_back(
        {"table_pairs", "DeLong's test of the pairs asked for",
         tableOf("pair", pairRows(pairs), pairsColumns(runs.datasets), pairsNumbers(runs, pairs))});
  }
  if (runs.severalSeeds()) {
    out.push_back(
        {"table_seeds", "Over the training seeds: mean ± sample std",
         tableOf("method", runs.methods, seedsColumns(runs.datasets), seedsNumbers(runs))});
  }
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
  for (const auto& method : runs.methods) {
    const auto it = runs.run_dirs.find(method);
    if (it == runs.run_dirs.end()) continue;
    for (const auto& run : it->second) {
      const fs::path page_path = RunLayout(run).report();
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
  const bool figure = canWriteFigures() && !runs.datasets.empty();
  writeReport(dir, sections, figure);
  if (!figure) return;
  // The bars: the AUROC over the seeds where there are several, else the paper's (bootstrap).
  const bool seeds = runs.severalSeeds();
  const SweepNumbers numbers = seeds ? seedsNumbers(runs) : paperNumbers(runs);
  BarPlot plot{"AUROC per method",
               seeds ? "AUROC (mean +- std over seeds)" : "AUROC (bootstrap mean +- std)",
               runs.datasets,
               {},
               0.0,
               1.0};
  for (const auto& method : runs.methods) {
    BarGroup g{method, {}, {}};
    for (const auto& d : runs.datasets) {
      const Estimate e = numbers.at(method, d, "AUROC");
      g.values.push_back(e.value);
      g.errors.push_back(std::isnan(e.spread) ? 0.0 : e.spread);
    }
    plot.groups.push_back(std::move(g));
  }
  writeBarPlot((fs::path(dir) / "auroc.png").string(), plot);
}

}  // namespace morphaeus
