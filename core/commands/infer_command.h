// `morphaeus infer`: anomaly scores, normal/abnormal calls and anomaly maps for new images.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace morphaeus {

struct InferOptions {
  std::string weights, config, input, output;
  std::optional<double> threshold;  // overrides the threshold stored in the weights
  int threads = 0;
  std::string device = "cpu";
  // fp32 | bf16 | auto; unset: the config's first task's params.precision, else auto.
  std::optional<std::string> precision;
};

CLI::App* addInferCommand(CLI::App& app, InferOptions& options);
int runInfer(const InferOptions& options);

}  // namespace morphaeus
