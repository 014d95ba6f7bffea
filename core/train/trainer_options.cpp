#include "core/train/trainer_options.h"

#include <string>
#include <utility>
#include <vector>

#include "core/config/key_table.h"
#include "core/registry/loss_factory.h"

namespace morphaeus {

namespace {

// optimizer_params: Adam's settings (upstream's torch.optim.Adam arguments).
KeyTable<AdamOptions> adamKeys() {
  using O = AdamOptions;
  KeyTable<O> k;
  k.number("lr", &O::lr).above(0).require();
  k.schema()
      .list("betas", ValueType::Number)
      .ofLength(2)
      .describe("default [0.9, 0.999] (the AAE trainer: [0.5, 0.999])")
      .element->between(0, 1);
  k.number("eps", &O::eps).atLeast(0);
  k.number("weight_decay", &O::weight_decay).atLeast(0);
  k.boolean("amsgrad", &O::amsgrad);
  k.finish([](const TypedParams& p, O& o) {
    if (!p.has("betas")) return;
    o.beta1 = p.node().at("betas").items()[0].asDouble();
    o.beta2 = p.node().at("betas").items()[1].asDouble();
  });
  return k;
}

// performance: the training fast path.
KeyTable<FastPathOptions> fastPathKeys() {
  using O = FastPathOptions;
  KeyTable<O> k;
  std::vector<std::pair<std::string, Precision>> precisions;
  for (const std::string& name : precisionNames(true))
    precisions.emplace_back(name, precisionFromName(name));
  k.named("precision", precisions, &O::precision)
      .describe(
          "bf16: autocast forward and losses, float32 master weights and loss sums; auto: bf16 "
          "where the CPU has AMX-BF16/AVX512-BF16 (or the GPU sm_80+), else fp32; fp64: "
          "training in float64 (numerical checks)");
  k.boolean("channels_last", &O::channels_last_config)
      .describe("NHWC activations and weights (default: on exactly when the step runs in bf16)");
  k.boolean("fused_adam", &O::fused_adam_config)
      .describe(
          "Adam in one pass per parameter on the CPU (equal up to float32 rounding; default: on "
          "exactly when the step runs in bf16)");
  k.boolean("ncc_box_sums", &O::ncc_box_sums_config)
      .describe(
          "MorphAEus' NCC window sums by one box-sum kernel instead of upstream's ones "
          "convolution (faster; rounds otherwise: the logged deformation loss moves up to 3e-3 "
          "where windows are smooth; default: on exactly when the step runs in bf16)");
  k.boolean("cuda_graph", &O::cuda_graph)
      .describe("capture the whole train step as a CUDA graph and replay it (CUDA only)");
  k.integer("loss_readback_every", &O::loss_readback_every)
      .atLeast(1)
      .describe("read losses back (and check them) every N steps (1: every step)");
  return k;
}

// The base trainer's keys with a project's (read by the project's own table) after the loss, as
// upstream's configs order them.
KeyTable<TrainerOptions> trainerKeysWith(const Schema& project_keys) {
  using O = TrainerOptions;
  KeyTable<O> k;
  k.integers("input_size", &O::input_size)
      .ofLength(2)
      .eachAtLeast(1)
      .describe("(rows, cols) of the training images");
  k.schema()
      .path("checkpoint_path")
      .ignore("upstream output folder; checkpoints go to the run directory");
  k.integer("nr_epochs", &O::nr_epochs).atLeast(1).require();
  k.integer("val_interval", &O::val_interval).atLeast(1).describe("validate every N epochs");
  k.integer("batch_size", &O::batch_size)
      .atLeast(1)
      .describe("overrides the data loader's batch size");
  k.schema().component("loss", ComponentKind::Loss).require();
  k.schema().append(project_keys);
  k.integer("patience", &O::patience_validations)
      .atLeast(1)
      .describe("early stopping: validations without improvement (one per val_interval epochs)");
  k.number("min_delta", &O::min_delta).atLeast(0).describe("early-stopping minimum improvement");
  k.map("optimizer_params", adamKeys(), &O::adam).require();
  k.choice("lr_scheduler", {"none", "cosine", "plateau", "exponential"}, &O::lr_scheduler)
      .describe("upstream schedulers");
  k.named("lr_scheduler_step",
          {{scheduleStepName(ScheduleStep::ValidationLoss), ScheduleStep::ValidationLoss},
           {scheduleStepName(ScheduleStep::Epoch), ScheduleStep::Epoch}},
          &O::lr_scheduler_step)
      .describe(
          "val_loss (as upstream): cosine/exponential/multistep take the validation loss as "
          "their epoch; epoch: stepped once per epoch");
  k.named("training_mode", {{"eval", false}, {"train", true}}, &O::train_mode)
      .describe(
          "model mode of the training steps; default as upstream: eval (BatchNorm with "
          "its running statistics, VAE z = mu) except for the AAE trainer (train)");
  k.named("early_stopping", {{"every_validation", false}, {"on_improvement", true}},
          &O::patience_on_improvement)
      .describe(
          "when patience is checked; default as upstream: after every validation, except "
          "for the AAE trainer (only after an improvement: it never stops early)");
  k.boolean("sync_batchnorm", &O::sync_batchnorm)
      .describe("multi-process runs: BatchNorm statistics over the global batch");
  k.number("bucket_cap_mb", [](O& o) -> double& { return o.gradient_buckets.bucket_mib; })
      .atLeast(0.001)
      .describe(
          "multi-process runs: the most MiB of gradients per all-reduce bucket (PyTorch DDP's "
          "bucket_cap_mb; the first bucket holds at most 1 MiB, as DDP's)");
  k.boolean("allreduce_during_backward",
            [](O& o) -> bool& { return o.gradient_buckets.during_backward; })
      .describe(
          "multi-process runs: start each bucket's all-reduce as soon as its gradients are "
          "ready, overlapping the backward (as DDP); false: all of them after the backward");
  k.map("performance", fastPathKeys(), &O::fast)
      .describe("the training fast path (docs/PERFORMANCE.md)");
  k.finish([](const TypedParams& p, O& o) {
    o.adam_betas = p.node().at("optimizer_params").has("betas");
    if (o.lr_scheduler == "cosine") {  // upstream switches Adam settings too
      o.adam.amsgrad = true;
      o.adam.weight_decay = 1e-5;
    }
    o.loss = buildLoss(p.node().at("loss"));
  });
  return k;
}

}  // namespace

const KeyTable<TrainerOptions>& trainerKeys() {
  static const KeyTable<TrainerOptions> keys = trainerKeysWith({});
  return keys;
}

Schema trainerSchema(const Schema& project_keys) {
  return trainerKeysWith(project_keys).schema();
}

TrainerOptions trainerOptions(const ConfigNode& params) {
  return trainerKeys().read(params);
}

bool trainerTakesStructDefaults(const ConfigNode& params) {
  return trainerKeys().takesDefaults(params);
}

}  // namespace morphaeus
