#include "core/config/experiment_schema.h"

namespace morphaeus {

namespace {

Field componentElement(ComponentKind kind, Schema siblings) {
  Field f = element(ValueType::Component);
  f.kind = kind;
  f.schema = std::make_shared<Schema>(std::move(siblings));
  return f;
}

Schema downstreamTaskSiblings() {
  // What an entry holds is the data loader's to say (ComponentSpec::siblings).
  Schema loader_siblings;
  loader_siblings.dict("datasets", element(ValueType::Any))
      .require()
      .describe("datasets of this task; names containing \"Normal\" are label 0");

  Schema task;
  task.path("checkpoint_path").ignore("upstream output folder; results go to <output>/eval/<task>");
  task.boolean("compute_fid")
      .describe(
          "only false: FID needs upstream's MedNIST reference folders and an Inception network");
  task.boolean("compute_scores")
      .describe("AUROC, AUPRC and FPR of the pathology datasets (default true); false skips them");
  task.component("data_loader", ComponentKind::DataLoader, loader_siblings).require();
  task.string("if_missing")
      .describe(
          "ours: where a test split file of this task is missing, the run skips the task "
          "with a warning naming the file and this hint (e.g. how to make it), and runs "
          "the others; without it a missing file is an error");
  return task;
}

}  // namespace

const KeyTable<ExperimentOptions>& experimentKeys() {
  static const KeyTable<ExperimentOptions> keys = [] {
    using O = ExperimentOptions;
    KeyTable<O> k;
    k.string("name", &O::name).require().describe("method name, used for the run directory");
    Schema& s = k.schema();
    s.list("target_size", ValueType::Int)
        .ofLength(2)
        .eachAtLeast(1)
        .describe("YAML anchor holder (rows, cols)");
    s.integer("downstream_batch")
        .atLeast(1)
        .describe("YAML anchor holder for evaluator batch size");
    s.integer("dbatch_size")
        .atLeast(1)
        .describe("YAML anchor holder for the evaluator batch size (upstream's baseline configs)");
    s.path("checkpoint_path")
        .ignore("upstream output folder; checkpoints go to the run directory (--output)");

    static const KeyTable<ExperimentBlock> block = [] {
      using B = ExperimentBlock;
      KeyTable<B> b;
      b.string("name", &B::name).describe("experiment name (logged)");
      b.choice("task", {"train", "test"}, &B::task)
          .describe("train then evaluate, or evaluate only");
      b.inputPath("weights", &B::weights)
          .describe(
              "checkpoint to resume from (train; a missing file: a warning, training starts "
              "afresh) or to evaluate (test)");
      return b;
    }();
    k.map("experiment", block, &O::experiment).require();

    k.choice("device", {"gpu", "cuda", "cpu", "auto"}, &O::device)
        .describe("gpu/cuda fall back to cpu with a warning when CUDA is unavailable");
    s.component("configurator", ComponentKind::Configurator);
    Schema model_siblings;
    model_siblings.boolean("additional_layer")
        .ignore(
            "upstream's b-vae.yaml puts it beside params, where it has no effect (BetaVAE_H's "
            "default applies)");
    s.component("model", ComponentKind::Model, model_siblings).require();

    Schema trainer_siblings;
    trainer_siblings.component("data_loader", ComponentKind::DataLoader).require();
    s.component("trainer", ComponentKind::Trainer, trainer_siblings);

    s.dict("downstream_tasks",
           componentElement(ComponentKind::Evaluator, downstreamTaskSiblings()));

    // Its keys are the synthetic data set's (experimentSchema puts them in).
    s.map("synthetic_data", Schema{})
        .describe("generate synthetic chest X-rays into `out` before the run when absent");

    // Our runtime keys (all optional; the command line overrides them).
    k.integer("seed", &O::seed).atLeast(0).describe("seed for torch, data order and augmentation");
    k.integer("threads", &O::threads)
        .atLeast(0)
        .describe("intra-op threads; 0 = the CPUs this process may use");
    k.path("data_root", &O::data_root)
        .describe("base folder for the image paths inside split CSVs");
    k.path("output_dir", &O::output_dir)
        .describe("run directory (default runs/<name>-<timestamp>)");
    k.boolean("deterministic", &O::deterministic)
        .describe("bit-reproducible CPU runs (slower on GPU)");
    return k;
  }();
  return keys;
}

ExperimentOptions experimentOptions(const ConfigNode& root) {
  return experimentKeys().read(root);
}

std::int64_t experimentSeed(const ConfigNode& root) {
  return experimentOptions(root).seed;
}

Schema experimentSchema(const Schema& synthetic_data) {
  Schema s = experimentKeys().schema();
  const std::string doc = s.find("synthetic_data")->doc;
  Schema block;
  block.map("synthetic_data", synthetic_data).describe(doc);
  return s.append(block);  // in its place
}

}  // namespace morphaeus
