// `morphaeus bench`: speed of the building blocks, printed as a table (and JSON on request).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace morphaeus {

struct BenchOptions {
  std::string config;         // experiment file (default: the embedded demo)
  std::string what = "warp";  // warp | model | train-step | eval | data
  int images = 0;             // data: repeat the split to this many images (0 = as listed)
  std::vector<int> batches{1, 16, 64};
  int steps = 20;
  int warmup = 3;
  int threads = 0;                // 0 = the CPUs this process may use
  std::string device = "cpu";     // cpu | cuda | auto
  std::string json;               // write results here too
  std::vector<std::string> sets;  // --set overrides of the config
  std::string weights;            // train-step: model_weights to start from
  std::string inputs;             // train-step: the batch ({'x': tensor}) instead of random images
  int epoch = 12;                 // train-step: past MorphTrainer's prior-only epochs (0-10)
  std::string warp = "both";      // both | native | grid_sample
  std::string profile;            // train-step, eval: Chrome trace of one extra step
  // train-step, eval: fp32 | bf16 | auto, each measured (empty: the config's precision)
  std::vector<std::string> precisions;
  bool roofline = true;  // train-step, eval: FLOPs per row and the machine's measured peak
};

// Declares the subcommand; returns it so that main can test whether it was chosen.
CLI::App* addBenchCommand(CLI::App& app, BenchOptions& options);
int runBench(const BenchOptions& options);

}  // namespace morphaeus
