// report.html of a run directory, written from the files the run left there: config.yaml, the
// per-epoch metrics.jsonl (curves.png: every train_* and val_* term and the learning rate), and
// per downstream task eval/<task>/: metrics.json (a table per dataset with the paper's bootstrap
// and the intervals), roc.png, pr.png, examples_*.png and the first anomaly maps of maps/.
// Images are referenced beside the page, never fetched from elsewhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace morphaeus {

// Where a run that is still training stands: the page says so on top and reloads itself.
struct RunningBanner {
  int64_t epochs_done = 0;  // epochs in metrics.jsonl
  int64_t epochs = 0;       // the run's nr_epochs
  /// How often a browser reloads the page while the run goes on.
  int reload_s = 60;
};

// Writes <run_dir>/report.html (and curves.png where figures can be drawn) atomically; returns
// the page's path. `note`: a line under the title (the program's version, say). With `running`,
// a banner "running: epoch k of N, last update <UTC time>" (written after every validation);
// without it, the final page.
std::string writeRunReport(const std::string& run_dir, const std::string& note,
                           const std::optional<RunningBanner>& running = std::nullopt);

}  // namespace morphaeus
