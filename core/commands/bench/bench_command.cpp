#include "core/commands/bench/bench_command.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/base/atomic_file.h"
#include "core/base/facts/upstream_seed.h"
#include "core/base/precision.h"
#include "core/base/resident_memory.h"
#include "core/base/runtime.h"
#include "core/commands/bench/bench_rows.h"
#include "core/commands/bench/machine_peak.h"
#include "core/experiment/experiment.h"
#include "core/registry/data_factory.h"
#include "core/registry/model_factory.h"
#include "core/registry/registry.h"
#include "core/train/trainer.h"
#include "models/warp/warp.h"

namespace morphaeus {
namespace {

using Row = BenchRow;

std::vector<Row> benchWarp(const BenchOptions& o, const torch::Device& device) {
  std::vector<Row> rows;
  for (int b : o.batches) {
    auto opts = torch::TensorOptions().device(device);
    auto src = torch::rand({b, 1, 128, 128}, opts);
    auto flow = (torch::rand({b, 2, 128, 128}, opts) * 2 - 1) * 3;
    auto weights = torch::randn({b, 1, 128, 128}, opts);
    for (WarpMode mode : {WarpMode::Native, WarpMode::GridSample}) {
      Row r{"warp", warpModeName(mode), b, {}, {}};
      r.forward = timeSteps(
          [&] {
            torch::NoGradGuard no_grad;
            warp(src, flow, mode);
          },
          o.warmup, o.steps, deviceSync(device));
      auto s = src.clone().requires_grad_(true), f = flow.clone().requires_grad_(true);
      r.train = timeSteps(
          [&] {
            torch::autograd::grad({(warp(s, f, mode) * weights).sum()}, {s, f});
          },
          o.warmup, o.steps, deviceSync(device));
      rows.push_back(r);
    }
  }
  return rows;
}

std::vector<Row> benchModel(const BenchOptions& o, const torch::Device& device) {
  const Experiment ex = loadBenchExperiment(o);
  auto module = buildModel(ex.config.at("model"));
  auto model = std::dynamic_pointer_cast<MorphAEusImpl>(module);
  if (!model) throw std::runtime_error("bench --what model: the config's model is not MorphAEus");
  model->to(device);
  const auto size = benchImageSize(ex.config);
  std::vector<Row> rows;
  for (int b : o.batches) {
    auto x = torch::rand({b, 1, size[0], size[1]}, torch::TensorOptions().device(device));
    for (WarpMode mode : benchWarpModes(o)) {
      model->setWarpMode(mode);
      Row r{"model", warpModeName(mode), b, {}, {}};
      model->eval();
      r.forward = timeSteps(
          [&] {
            torch::NoGradGuard no_grad;
            model->forward(x);
          },
          o.warmup, o.steps, deviceSync(device));
      model->train();
      if (b < 2) {  // BatchNorm at the 1-pixel bottleneck needs two images in train mode
        rows.push_back(r);
        continue;
      }
      r.train = timeSteps(
          [&] {
            auto out = model->forward(x);
            auto loss = torch::mse_loss(out.x_prior, x) + torch::mse_loss(out.reconstruction, x) +
                        torch::mse_loss(out.x_reversed, out.x_prior) +
                        out.velocity_or_deformation.pow(2).mean();
            model->zero_grad();
            loss.backward();
          },
          o.warmup, o.steps, deviceSync(device));
      rows.push_back(r);
    }
  }
  return rows;
}

// Epochs over the config's training split: decode+resize from disk, then cached epochs, with
// the loader in the calling thread and with one worker per core.
int benchData(const BenchOptions& o, int threads) {
  const Experiment ex = loadBenchExperiment(o);
  ensureSyntheticData(ex.config);
  const ConfigNode& loader = ex.config.at("trainer").at("data_loader");
  TrainingData data = buildTrainingData(loader, dataContext(ex.config));
  ImageDatasetOptions base = data.train->dataset().options();
  const std::size_t listed = base.images.size();
  if (o.images > 0) {  // repeat the split to the requested size (each copy its own cache slot)
    std::vector<SplitEntry> grown;
    for (int i = 0; i < o.images; ++i)
      grown.push_back(base.images[static_cast<std::size_t>(i) % listed]);
    base.images = grown;
    base.masks.clear();
  }
  const std::size_t n = base.images.size();
  std::cout
      << fmt::format(
             "# morphaeus bench --what data: {} images ({} listed), {}x{}, {} path, batch {}, {}\n",
             n, listed, base.height, base.width, base.path == ResizePath::Pil ? "Pil" : "Tensor",
             o.batches.front(), versionString())
      << fmt::format("{:<28} {:>8} {:>12} {:>12} {:>12}\n", "measurement", "workers", "epoch s",
                     "images/s", "cache MiB");
  nlohmann::json j;
  j["what"] = "data";
  j["images"] = n;
  for (int workers : {0, threads}) {
    for (bool cached : {false, true}) {
      ImageDatasetOptions opts = base;
      opts.cache = cached;
      auto dataset = std::make_shared<ImageDataset>(opts);
      BatchLoaderOptions lo;
      lo.batch_size = static_cast<std::size_t>(o.batches.front());
      lo.shuffle = true;
      lo.workers = workers;
      BatchLoader bl(dataset, lo);
      auto epoch = [&](int e) {
        bl.startEpoch(e);
        while (bl.next()) {
        }
      };
      if (cached) epoch(0);  // fill the cache; the next epochs are timed
      const TimingStats t = timeSteps([&] { epoch(1); }, 0, cached ? std::max(1, o.steps / 5) : 1);
      const std::string name = cached ? "cached epoch" : "decode+resize from disk";
      const double mib = dataset->cacheBytes() / 1048576.0;
      std::cout << fmt::format("{:<28} {:>8} {:>12.3f} {:>12.0f} {:>12.1f}\n", name, workers,
                               t.median_ms / 1000, n * 1000.0 / t.median_ms, mib);
      j["rows"].push_back({{"measurement", name},
                           {"workers", workers},
                           {"epoch_s", t.median_ms / 1000},
                           {"images_per_s", n * 1000.0 / t.median_ms},
                           {"cache_mib", mib}});
    }
  }
  if (!o.json.empty()) writeFileAtomic(o.json, j.dump(2) + "\n");
  return 0;
}

std::string ms(const TimingStats& t) {
  return fmt::format("{:9.3f} ({:.3f}-{:.3f})", t.median_ms, t.min_ms, t.max_ms);
}

}  // namespace

CLI::App* addBenchCommand(CLI::App& app, BenchOptions& o) {
  CLI::App* cmd = app.add_subcommand("bench", "time the warp op or the model (median of N steps)");
  cmd->add_option("--config", o.config,
                  "experiment YAML for --what model (default: embedded demo)");
  cmd->add_option("--what", o.what, "warp | model | train-step | eval | data")
      ->check(CLI::IsMember({"warp", "model", "train-step", "eval", "data"}));
  cmd->add_option("--images", o.images, "data: repeat the training split to this many images");
  cmd->add_option("--batch", o.batches, "batch sizes (repeatable or comma separated)")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  cmd->add_option("--steps", o.steps, "timed steps per measurement")->check(CLI::PositiveNumber);
  cmd->add_option("--warmup", o.warmup, "untimed warm-up steps")->check(CLI::NonNegativeNumber);
  cmd->add_option("--threads", o.threads, "intra-op threads (0 = the CPUs this process may use)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--device", o.device, "cpu | cuda | auto")
      ->check(CLI::IsMember({"cpu", "cuda", "gpu", "auto"}));
  cmd->add_option("--json", o.json, "also write the results as JSON");
  cmd->add_option("--weights", o.weights, "train-step: start from this checkpoint's model_weights");
  cmd->add_option("--inputs", o.inputs,
                  "train-step: the batch from this torch file ({'x': [B, 1, H, W]}; sets --batch)");
  cmd->add_option("--epoch", o.epoch, "train-step: the epoch the step belongs to (default 12)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--profile", o.profile,
                  "train-step, eval: write a Chrome trace (chrome://tracing) of one more step of "
                  "the first measurement, after the timed ones");
  cmd->add_option("--warp", o.warp, "model, train-step, eval: both | native | grid_sample")
      ->check(CLI::IsMember({"both", "native", "grid_sample"}));
  cmd->add_option("--precision", o.precisions,
                  "train-step, eval: fp32 | bf16 | auto, each measured (comma separated; default: "
                  "the config's)")
      ->delimiter(',')
      ->check(CLI::IsMember({"fp32", "bf16", "auto"}));
  cmd->add_flag("--no-roofline{false}", o.roofline,
                "train-step, eval: skip counting FLOPs and measuring the machine's peak");
  cmd->add_option("--set", o.sets, "override a config value (key.path=value)")->take_all();
  return cmd;
}

namespace {

// The timings of what `--what` names (each --precision in turn for train-step and eval).
std::vector<Row> measureRows(const BenchOptions& o, const torch::Device& device) {
  if (o.what == "warp") return benchWarp(o, device);
  if (o.what == "model") return benchModel(o, device);
  std::vector<Row> rows;
  for (const std::string& precision : benchPrecisions(o)) {
    for (Row& r :
         o.what == "eval" ? benchEval(o, device, precision) : benchTrainStep(o, device, precision))
      rows.push_back(std::move(r));
  }
  return rows;
}

// A row's derived numbers: from fwd+bwd where it was timed, else from the forward.
struct RowRates {
  bool trained = false;
  double step_ms = 0, images_per_s = 0;
  double speedup = 1;  // the grid_sample row's time / this row's (1 without a grid_sample row)
  double gflops_per_s = 0;
  double peak_gflops = 0;  // the machine's peak at the row's precision (0: not measured)
};

RowRates ratesOf(const Row& r, const std::vector<Row>& rows, const ConvPeak& peak) {
  const Row* ref = &r;
  for (const Row& other : rows)
    if (other.what == r.what && other.batch == r.batch && other.mode == "grid_sample") ref = &other;
  RowRates x;
  x.trained = r.train.runs > 0;
  x.speedup = x.trained ? ref->train.median_ms / r.train.median_ms
                        : ref->forward.median_ms / r.forward.median_ms;
  x.step_ms = (x.trained ? r.train : r.forward).median_ms;
  x.images_per_s = r.batch * 1000.0 / x.step_ms;
  x.gflops_per_s = r.flops / 1e9 / (x.step_ms / 1000);
  x.peak_gflops = peak.forPrecision(r.precision);
  return x;
}

void printHeader(const BenchOptions& o, const torch::Device& device, int threads,
                 const ConvPeak* peak) {
  std::cout << fmt::format("# morphaeus bench --what {}: {}, device {}, {} thread(s), 128x128\n",
                           o.what, versionString(), device.str(), threads);
  if (peak != nullptr) {
    std::cout << fmt::format(
        "# machine peak (best of a dense conv {}): fp32 {:.0f} GFLOP/s, bf16 {} ({})\n",
        peak->shape, peak->fp32_gflops,
        peak->bf16_gflops > 0 ? fmt::format("{:.0f} GFLOP/s", peak->bf16_gflops) : "not measured",
        device.is_cuda() ? "CUDA" : "CPU: " + cpuBf16Support().describe());
  }
  std::cout << fmt::format("{:<6} {:<12} {:>5} {:>28} {:>28} {:>10} {:>8}", "what", "mode", "batch",
                           "forward ms (min-max)", "fwd+bwd ms (min-max)", "img/s", "speedup");
  if (peak != nullptr)
    std::cout << fmt::format(" {:>5} {:>8} {:>8} {:>7}", "prec", "GFLOP", "GFLOP/s", "% peak");
  std::cout << "\n";
}

void printRow(const Row& r, const RowRates& x, bool roofline) {
  if (std::isfinite(r.loss))
    std::cout << fmt::format("# {} {} batch {}: first step's loss {:.9g}\n", r.what, r.mode,
                             r.batch, r.loss);
  std::cout << fmt::format("{:<6} {:<12} {:>5} {:>28} {:>28} {:>10.1f} {:>7.2f}x", r.what, r.mode,
                           r.batch, ms(r.forward), x.trained ? ms(r.train) : "n/a", x.images_per_s,
                           x.speedup);
  if (roofline) {
    std::cout << fmt::format(
        " {:>5} {:>8.2f} {:>8.1f} {:>7}", r.precision, r.flops / 1e9, x.gflops_per_s,
        x.peak_gflops > 0 ? fmt::format("{:.1f}%", 100 * x.gflops_per_s / x.peak_gflops) : "-");
  }
  std::cout << "\n";
}

nlohmann::json timingJson(const TimingStats& t) {
  return {{"median", t.median_ms}, {"min", t.min_ms}, {"max", t.max_ms}};
}

nlohmann::json rowJson(const Row& r, const RowRates& x) {
  const auto value_or_null = [](bool known, double v) {
    return known ? nlohmann::json(v) : nlohmann::json();
  };
  return {{"what", r.what},
          {"mode", r.mode},
          {"batch", r.batch},
          {"forward_ms", timingJson(r.forward)},
          {"forward_backward_ms", timingJson(r.train)},
          {"loss", value_or_null(std::isfinite(r.loss), r.loss)},
          {"precision", r.precision},
          {"gflop", r.flops / 1e9},
          {"gflop_per_s", value_or_null(r.flops > 0, x.gflops_per_s)},
          {"percent_of_peak",
           value_or_null(r.flops > 0 && x.peak_gflops > 0, 100 * x.gflops_per_s / x.peak_gflops)}};
}

}  // namespace

int runBench(const BenchOptions& o) {
  const int threads = configureThreads(o.threads).threads;
  seedEverything(static_cast<std::int64_t>(kUpstreamSeed));
  if (o.what == "data") return benchData(o, threads);
  const torch::Device device(resolveDevice(o.device));
  const std::vector<Row> rows = measureRows(o, device);
  const bool roofline = o.roofline && (o.what == "train-step" || o.what == "eval");
  const ConvPeak peak = roofline ? measureConvPeak(device) : ConvPeak{};

  printHeader(o, device, threads, roofline ? &peak : nullptr);
  nlohmann::json j;
  if (roofline) {
    j["peak"] = {{"shape", peak.shape},
                 {"fp32_gflops", peak.fp32_gflops},
                 {"bf16_gflops",
                  peak.bf16_gflops > 0 ? nlohmann::json(peak.bf16_gflops) : nlohmann::json()}};
  }
  j["what"] = o.what;
  j["device"] = device.str();
  j["threads"] = threads;
  j["libtorch"] = torchVersion();
  for (const Row& r : rows) {
    const RowRates x = ratesOf(r, rows, peak);
    printRow(r, x, roofline);
    j["rows"].push_back(rowJson(r, x));
  }
  const double rss = peakResidentMiB();
  if (device.is_cuda()) {
    const double mib = cudaPeakAllocatedMiB(device.has_index() ? device.index() : 0);
    std::cout << fmt::format("# CUDA max allocated {:.0f} MiB\n", mib);
    j["cuda_max_allocated_mib"] = mib;
  }
  std::cout << fmt::format(
      "# peak RSS {:.0f} MiB; img/s and speedup (grid_sample time / this row's) from fwd+bwd, or "
      "from forward where fwd+bwd is n/a\n",
      rss);
  j["peak_rss_mib"] = rss;
  if (!o.json.empty()) writeFileAtomic(o.json, j.dump(2) + "\n");
  return 0;
}

}  // namespace morphaeus
