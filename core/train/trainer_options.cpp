#include "core/train/trainer_options.h"

#include <tuple>

#include "core/config/typed_params.h"
#include "core/registry/loss_factory.h"

namespace morphaeus {

Schema trainerSchema(void (*project_keys)(Schema&)) {
  const TrainerOptions d;
  Schema p;
  p.list("input_size", ValueType::Int)
      .ofLength(2)
      .eachAtLeast(1)
      .describe("(rows, cols) of the training images");
  p.path("checkpoint_path").ignore("upstream output folder; checkpoints go to the run directory");
  p.integer("nr_epochs").atLeast(1).require();
  p.integer("val_interval")
      .atLeast(1)
      .describe("validate every N epochs")
      .byDefault(d.val_interval);
  p.integer("batch_size").atLeast(1).describe("overrides the data loader's batch size");
  p.component("loss", ComponentKind::Loss).require();
  if (project_keys != nullptr) project_keys(p);
  p.integer("patience")
      .atLeast(1)
      .describe("early stopping: validations without improvement (one per val_interval epochs)")
      .byDefault(d.patience_validations);
  p.number("min_delta")
      .atLeast(0)
      .describe("early-stopping minimum improvement")
      .byDefault(d.min_delta);
  Schema optimizer;
  optimizer.number("lr").above(0).require();
  optimizer.list("betas", ValueType::Number)
      .ofLength(2)
      .describe("default [0.9, 0.999] (the AAE trainer: [0.5, 0.999])")
      .element->between(0, 1);
  optimizer.number("eps").atLeast(0).byDefault(d.adam.eps);
  optimizer.number("weight_decay").atLeast(0).byDefault(d.adam.weight_decay);
  optimizer.boolean("amsgrad").byDefault(d.adam.amsgrad);
  p.map("optimizer_params", optimizer).require();
  p.enumeration("lr_scheduler", {"none", "cosine", "plateau", "exponential"})
      .describe("upstream schedulers")
      .byDefault(d.lr_scheduler.c_str());
  p.enumeration("lr_scheduler_step", {"val_loss", "epoch"})
      .describe(
          "val_loss (as upstream): cosine/exponential/multistep take the validation loss as "
          "their epoch; epoch: stepped once per epoch")
      .byDefault(scheduleStepName(d.lr_scheduler_step).c_str());
  p.enumeration("training_mode", {"eval", "train"})
      .describe(
          "model mode of the training steps; default as upstream: eval (BatchNorm with "
          "its running statistics, VAE z = mu) except for the AAE trainer (train)");
  p.enumeration("early_stopping", {"every_validation", "on_improvement"})
      .describe(
          "when patience is checked; default as upstream: after every validation, except "
          "for the AAE trainer (only after an improvement: it never stops early)");
  Schema performance;
  performance.enumeration("precision", precisionNames(true))
      .describe(
          "bf16: autocast forward and losses, float32 master weights and loss sums; auto: bf16 "
          "where the CPU has AMX-BF16/AVX512-BF16 (or the GPU sm_80+), else fp32; fp64: "
          "training in float64 (numerical checks)")
      .byDefault(precisionName(d.fast.precision));
  performance.boolean("channels_last")
      .describe("NHWC activations and weights (default: on exactly when the step runs in bf16)");
  performance.boolean("fused_adam")
      .describe(
          "Adam in one pass per parameter on the CPU (equal up to float32 rounding; default: on "
          "exactly when the step runs in bf16)");
  performance.boolean("ncc_box_sums")
      .describe(
          "MorphAEus' NCC window sums by one box-sum kernel instead of upstream's ones "
          "convolution (faster; rounds otherwise: the logged deformation loss moves up to 3e-3 "
          "where windows are smooth; default: on exactly when the step runs in bf16)");
  performance.boolean("cuda_graph")
      .describe("capture the whole train step as a CUDA graph and replay it (CUDA only)")
      .byDefault(d.fast.cuda_graph);
  performance.integer("loss_readback_every")
      .atLeast(1)
      .describe("read losses back (and check them) every N steps (1: every step)")
      .byDefault(d.fast.loss_readback_every);
  p.boolean("sync_batchnorm")
      .describe("multi-process runs: BatchNorm statistics over the global batch")
      .byDefault(d.sync_batchnorm);
  p.number("bucket_cap_mb")
      .atLeast(0.001)
      .describe(
          "multi-process runs: the most MiB of gradients per all-reduce bucket (PyTorch DDP's "
          "bucket_cap_mb; the first bucket holds at most 1 MiB, as DDP's)")
      .byDefault(d.gradient_buckets.bucket_mib);
  p.boolean("allreduce_during_backward")
      .describe(
          "multi-process runs: start each bucket's all-reduce as soon as its gradients are "
          "ready, overlapping the backward (as DDP); false: all of them after the backward")
      .byDefault(d.gradient_buckets.during_backward);
  p.map("performance", performance).describe("the training fast path (docs/PERFORMANCE.md)");
  return p;
}

namespace {

AdamOptions adamOptionsOf(const TypedParams& p, const std::string& lr_scheduler) {
  AdamOptions o;
  o.lr = p.getDouble("optimizer_params.lr");
  o.eps = p.getDouble("optimizer_params.eps");
  o.weight_decay = p.getDouble("optimizer_params.weight_decay");
  o.amsgrad = p.getBool("optimizer_params.amsgrad");
  const ConfigNode& opt = p.node().at("optimizer_params");
  if (opt.has("betas")) {
    o.beta1 = opt.at("betas").items()[0].asDouble();
    o.beta2 = opt.at("betas").items()[1].asDouble();
  }
  if (lr_scheduler == "cosine") {  // upstream switches Adam settings too
    o.amsgrad = true;
    o.weight_decay = 1e-5;
  }
  return o;
}

// A boolean under `map` when the config gives it (its default depends on other keys).
std::optional<bool> givenBool(const TypedParams& p, const std::string& map,
                              const std::string& key) {
  const ConfigNode* m = p.node().find(map);
  if (m == nullptr || !m->isMap() || !m->has(key)) return std::nullopt;
  return p.getBool(map + "." + key);
}

FastPathOptions fastPathOf(const TypedParams& p) {
  FastPathOptions o;
  o.precision = precisionFromName(p.getString("performance.precision"));
  o.channels_last_config = givenBool(p, "performance", "channels_last");
  o.fused_adam_config = givenBool(p, "performance", "fused_adam");
  o.ncc_box_sums_config = givenBool(p, "performance", "ncc_box_sums");
  if (o.precision != Precision::Auto) o = resolveFastPath(o, c10::DeviceType::CPU);
  o.cuda_graph = p.getBool("performance.cuda_graph");
  o.loss_readback_every = p.getInt("performance.loss_readback_every");
  return o;
}

std::optional<bool> choice(const TypedParams& p, const std::string& key, const char* yes) {
  if (!p.has(key) || p.node().at(key).isNull()) return std::nullopt;
  return p.node().at(key).asString() == yes;
}

}  // namespace

TrainerOptions trainerOptions(const ConfigNode& params) {
  static const Schema schema = trainerSchema();
  const TypedParams p(schema, params);
  TrainerOptions o;
  o.nr_epochs = p.getInt("nr_epochs");
  o.val_interval = p.getInt("val_interval");
  o.patience_validations = static_cast<int>(p.getInt("patience"));
  o.min_delta = p.getDouble("min_delta");
  o.lr_scheduler = p.getString("lr_scheduler");
  o.adam = adamOptionsOf(p, o.lr_scheduler);
  o.adam_betas = params.at("optimizer_params").has("betas");
  o.lr_scheduler_step = scheduleStepFromName(p.getString("lr_scheduler_step"));
  o.train_mode = choice(p, "training_mode", "train");
  o.patience_on_improvement = choice(p, "early_stopping", "on_improvement");
  o.sync_batchnorm = p.getBool("sync_batchnorm");
  o.gradient_buckets.bucket_mib = p.getDouble("bucket_cap_mb");
  o.gradient_buckets.during_backward = p.getBool("allreduce_during_backward");
  o.fast = fastPathOf(p);
  o.batch_size = p.has("batch_size") ? p.getInt("batch_size") : 0;
  o.loss = buildLoss(params.at("loss"));
  return o;
}

}  // namespace morphaeus

namespace morphaeus {

bool trainerTakesStructDefaults(const ConfigNode& params) {
  const auto defaulted = [](const TrainerOptions& o) {
    return std::tie(o.val_interval, o.patience_validations, o.min_delta, o.adam.eps,
                    o.adam.weight_decay, o.adam.amsgrad, o.lr_scheduler, o.lr_scheduler_step,
                    o.fast.precision, o.fast.cuda_graph, o.fast.loss_readback_every,
                    o.sync_batchnorm, o.gradient_buckets.bucket_mib,
                    o.gradient_buckets.during_backward);
  };
  const TrainerOptions built = trainerOptions(params);
  const TrainerOptions fresh;
  return defaulted(built) == defaulted(fresh);
}

}  // namespace morphaeus
