#include "core/commands/reproduce/sweep_numbers.h"

#include <algorithm>
#include <cmath>

#include "core/metrics/statistics.h"
#include "core/report/metric_columns.h"

namespace morphaeus {
namespace {

double number(const DatasetMetrics& m, const char* key) {
  return m.number(key).value_or(Estimate::kNone);
}

double sampleStd(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  return stddev(v) * std::sqrt(static_cast<double>(v.size()) / static_cast<double>(v.size() - 1));
}

Estimate valueOf(double v) {
  Estimate e;
  e.value = v;
  return e;
}

}  // namespace

void SweepNumbers::set(const std::string& row, const std::string& dataset,
                       const std::string& metric, const Estimate& e) {
  values_[{row, dataset, metric}] = e;
}

Estimate SweepNumbers::at(const std::string& row, const std::string& dataset,
                          const std::string& metric) const {
  const auto it = values_.find({row, dataset, metric});
  return it == values_.end() ? Estimate{} : it->second;
}

const std::vector<TableMetric>& tableMetrics() {
  static const std::vector<TableMetric> kMetrics = [] {
    std::vector<TableMetric> out;
    for (const MetricColumn& c : metricColumns())
      if (!c.sweep_heading.empty())
        out.push_back({c.sweep_heading.c_str(), c.key.c_str(), c.higher_is_better});
    return out;
  }();
  return kMetrics;
}

SweepNumbers paperNumbers(const SweepRuns& runs) {
  SweepNumbers out;
  for (const auto& method : runs.methods) {
    std::vector<double> aurocs;
    for (const auto& d : runs.datasets) {
      const ColumnReport* r = runs.firstRun(method, d);
      Estimate auroc, auprc, fpr;
      if (r != nullptr && r->metrics.bootstrap) {
        const PaperBootstrap& b = *r->metrics.bootstrap;
        auroc.value = b.auroc.mean;
        auroc.spread = b.auroc.std;
        auprc.value = b.auprc.mean;
        fpr.value = b.fpr95.mean;
      } else if (r != nullptr) {  // a report without the bootstrap: the whole set's numbers
        auroc.value = number(r->metrics, "auroc");
        auprc.value = number(r->metrics, "auprc");
        fpr.value = number(r->metrics, "fpr_at_tpr95");
      }
      out.set(method, d, "AUROC", auroc);
      out.set(method, d, "AUPRC", auprc);
      out.set(method, d, "FPR95", fpr);
      aurocs.push_back(auroc.value);
    }
    const bool all =
        std::none_of(aurocs.begin(), aurocs.end(), [](double v) { return std::isnan(v); });
    out.set(method, "", "average AUROC",
            valueOf(all && !aurocs.empty() ? mean(aurocs) : Estimate::kNone));
  }
  return out;
}

SweepNumbers statsNumbers(const SweepRuns& runs, const std::string& reference) {
  SweepNumbers out;
  ScoresCache cache;
  for (const auto& method : runs.methods) {
    for (const auto& d : runs.datasets) {
      const ColumnReport* r = runs.firstRun(method, d);
      Estimate auroc = valueOf(r ? number(r->metrics, "auroc") : Estimate::kNone);
      if (r != nullptr && r->metrics.interval) {
        auroc.low = r->metrics.interval->auroc.low;
        auroc.high = r->metrics.interval->auroc.high;
      }
      out.set(method, d, "AUROC", auroc);
      if (method == reference) continue;
      if (const auto test = delongOf(runs, method, reference, d, cache)) {
        out.set(method, d, "DeLong z", valueOf(test->z));
        out.set(method, d, "DeLong p", valueOf(test->p_value));
      }
    }
  }
  return out;
}

SweepNumbers pairsNumbers(const SweepRuns& runs,
                          const std::vector<std::pair<std::string, std::string>>& pairs) {
  SweepNumbers out;
  ScoresCache cache;
  for (const auto& [a, b] : pairs) {
    const std::string row = a + " vs " + b;
    for (const auto& d : runs.datasets) {
      if (const auto test = delongOf(runs, a, b, d, cache)) {
        out.set(row, d, "AUROC difference", valueOf(test->auroc_a - test->auroc_b));
        out.set(row, d, "DeLong z", valueOf(test->z));
        out.set(row, d, "DeLong p", valueOf(test->p_value));
      }
    }
  }
  return out;
}

SweepNumbers seedsNumbers(const SweepRuns& runs) {
  SweepNumbers out;
  for (const auto& method : runs.methods) {
    const auto it = runs.runs.find(method);
    const std::size_t n = it == runs.runs.end() ? 0 : it->second.size();
    for (const auto& d : runs.datasets) {
      for (const auto& m : tableMetrics()) {
        std::vector<double> v;
        if (it != runs.runs.end()) {
          for (const auto& run : it->second) {
            const auto c = run.find(d);
            if (c != run.end() && !std::isnan(number(c->second.metrics, m.key)))
              v.push_back(number(c->second.metrics, m.key));
          }
        }
        Estimate e;
        e.seeds = v.size();
        if (!v.empty()) {
          e.value = mean(v);
          e.spread = sampleStd(v);  // 0 for one seed
        }
        out.set(method, d, m.label, e);
      }
    }
    out.set(method, "", "seeds", valueOf(static_cast<double>(n)));
  }
  return out;
}

}  // namespace morphaeus
