// report.html of a run directory, written from the files the run left there: config.yaml, the
// per-epoch metrics.jsonl (curves.png: every train_* and val_* term and the learning rate), and
// per downstream task eval/<task>/: metrics.json (a table per dataset with the paper's bootstrap
// and the intervals), roc.png, pr.png, examples_*.png and the first anomaly maps of maps/.
// Images are referenced beside the page, never fetched from elsewhere.
#pragma once

#include <string>

namespace morphaeus {

// Writes <run_dir>/report.html (and curves.png where figures can be drawn) atomically; returns
// the page's path. `note`: a line under the title (the program's version, say).
std::string writeRunReport(const std::string& run_dir, const std::string& note);

}  // namespace morphaeus
