#include "core/commands/infer_command.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/base/atomic_file.h"
#include "core/base/runtime.h"
#include "core/checkpoint/checkpoint.h"
#include "core/eval/anomaly_score.h"
#include "core/eval/task_scoring.h"
#include "core/experiment/experiment.h"
#include "core/registry/data_factory.h"
#include "core/registry/model_factory.h"
#include "data/data_error.h"
#include "data/io/image_reader.h"
#include "data/io/image_writer.h"
#include "data/preprocess.h"

namespace morphaeus {
namespace {
namespace fs = std::filesystem;

std::vector<std::string> inputsOf(const std::string& input) {
  if (!fs::is_directory(input)) return {input};
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(input)) {
    std::string ext = e.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (e.is_regular_file() &&
        (ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".dcm" || ext == ".npy")) {
      files.push_back(e.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty())
    throw DataError(input + ": no images (png, jpg, jpeg, dcm, npy) in this folder");
  return files;
}

}  // namespace

CLI::App* addInferCommand(CLI::App& app, InferOptions& o) {
  CLI::App* cmd = app.add_subcommand("infer", "score new images with trained weights");
  cmd->add_option("--weights", o.weights, "checkpoint (ours or the authors')")->required();
  cmd->add_option("--config", o.config,
                  "experiment YAML the weights were trained with (default: embedded demo)");
  cmd->add_option("--input", o.input, "an image or a folder of images")->required();
  cmd->add_option("--output", o.output, "folder for predictions.csv and maps/")->required();
  cmd->add_option("--threshold", o.threshold,
                  "normal/abnormal threshold (default: the one stored in the weights)");
  cmd->add_option("--threads", o.threads, "intra-op threads (0 = the CPUs this process may use)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--device", o.device, "cpu | cuda | auto")
      ->check(CLI::IsMember({"cpu", "cuda", "gpu", "auto"}));
  cmd->add_option("--precision", o.precision,
                  "fp32, bf16 or auto (default: the config's task precision if it sets one, "
                  "else auto: bf16 where the CPU has AMX-BF16/AVX512-BF16)")
      ->check(CLI::IsMember({"fp32", "bf16", "auto"}));
  return cmd;
}

int runInfer(const InferOptions& o) {
  configureThreads(o.threads);
  const torch::Device device(resolveDevice(o.device));
  RunOptions run;
  run.config = o.config;
  const Experiment ex = loadExperiment(run);
  auto model = buildModel(ex.config.at("model"));
  const Checkpoint ckpt = readCheckpoint(o.weights);
  loadStateDict(*model, ckpt.model_weights, o.weights);
  model->to(device);
  model->eval();
  std::optional<double> threshold = o.threshold;
  if (const c10::IValue* v = ckpt.find("threshold"); !threshold && v && v->isDouble()) {
    threshold = v->toDouble();
  }
  if (!threshold)
    spdlog::warn("{}: no stored threshold: scores only (give --threshold to call images)",
                 o.weights);
  const EvalPreprocessing pre = evaluationPreprocessing(ex.config);
  // The score of the config's first downstream task, so that it equals the evaluator's.
  const TaskScoring task_scoring = firstTaskScoring(ex.config);
  AnomalyScoreOptions scoring = task_scoring.score;
  if (o.precision) {
    scoring.precision = precisionFromName(*o.precision);
  } else if (!firstTaskSetsPrecision(ex.config)) {
    scoring.precision = Precision::Auto;
  }
  spdlog::info("the reconstructions in {}",
               resolvePrecision(scoring.precision, device.type()).describe());
  const double vmax = task_scoring.map_vmax;

  fs::create_directories(fs::path(o.output) / "maps");
  std::ostringstream csv;
  csv << "path,score,call\n";
  int failed = 0, done = 0;
  torch::NoGradGuard no_grad;
  for (const std::string& file : inputsOf(o.input)) {
    try {
      const auto x = preprocessImage(readImage(file).pixels, pre.size[0], pre.size[1], pre.path)
                         .unsqueeze(0)
                         .to(device);
      const ScoredBatch s =
          scoreBatch(*model, x, scoring, {imageSeed(static_cast<std::uint64_t>(ex.seed()), file)});
      const double score = s.score[0].item<double>();
      writeHeatmapPng(
          (fs::path(o.output) / "maps" / (fs::path(file).stem().string() + ".png")).string(),
          s.anomaly_map[0][0], vmax);
      const std::string call = threshold ? (score > *threshold ? "abnormal" : "normal") : "";
      csv << "\"" << file << "\"," << fmt::format("{:.17g}", score) << "," << call << "\n";
      ++done;
    } catch (const DataError& e) {
      spdlog::error("{}", e.what());
      ++failed;
    }
  }
  writeFileAtomic((fs::path(o.output) / "predictions.csv").string(), csv.str());
  spdlog::info("scored {} image(s), {} failed; {}", done, failed,
               (fs::path(o.output) / "predictions.csv").string());
  return failed > 0 ? 1 : 0;
}

}  // namespace morphaeus
