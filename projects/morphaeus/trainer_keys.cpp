#include "projects/morphaeus/trainer_keys.h"

#include <string>

#include "core/config/typed_params.h"
#include "core/train/trainer_options.h"

namespace morphaeus {
namespace {

// The project's trainer keys (in upstream's config order); those a trainer does not read are
// accepted and marked ignored ("no effect") in its schema.
struct ProjectKeys {
  bool perceptual = false;  // alfa, vgg_weights
  bool morphology = false;  // beta, delta, max_iter
  bool noise = false;       // transformer
};

void addProjectKeys(Schema& p, ProjectKeys reads, const char* trainer) {
  const std::string unread = std::string("not read by ") + trainer;
  const auto mark = [&unread](Field& f, bool read) -> Field& {
    return read ? f : f.ignore(unread);
  };
  const MorphTrainerOptions morph;
  mark(p.number("alfa")
           .atLeast(0)
           .describe("perceptual-loss weight (0 = no VGG19 needed)")
           .byDefault(morph.perceptual.alfa),
       reads.perceptual);
  mark(p.number("beta")
           .atLeast(0)
           .describe("the largest weight of the deformation regulariser (reached at max_iter)")
           .byDefault(morph.beta_max),
       reads.morphology);
  mark(p.number("delta")
           .atLeast(0)
           .describe("weight of the morphology term (once it joins the loss)")
           .byDefault(morph.delta),
       reads.morphology);
  mark(p.integer("max_iter")
           .atLeast(1)
           .describe("epochs over which beta ramps up")
           .byDefault(morph.max_iter),
       reads.morphology);
  mark(
      p.inputPath("vgg_weights").describe("torchvision vgg19-dcbb9e9d.pth for the perceptual loss"),
      reads.perceptual);
  const CoarseNoiseOptions noise_default;
  Schema noise;
  noise.number("noise_std").atLeast(0).byDefault(noise_default.noise_std);
  noise.integer("noise_res").atLeast(1).byDefault(noise_default.noise_res);
  Schema transformer;
  transformer.enumeration("module_name", {"transforms.gaussian_noise"}).require();
  transformer.enumeration("class_name", {"GaussianNoise"}).require();
  transformer.map("params", noise);
  mark(p.map("transformer", transformer)
           .describe("training-input noise of the DAE (the reconstruction target stays clean)"),
       reads.noise);
}

void morphKeys(Schema& p) {
  addProjectKeys(p, {true, true, false}, "MorphTrainer");
}
void reconstructionKeys(Schema& p) {
  addProjectKeys(p, {true, false, true}, "Trainer");
}
void aaeKeys(Schema& p) {
  addProjectKeys(p, {}, "AAETrainer");
}
void softIntroKeys(Schema& p) {
  addProjectKeys(p, {}, "SIVAETrainer");
  const SoftIntroLossOptions d;
  p.number("beta_rec").atLeast(0).describe("reconstruction weight").byDefault(d.beta_rec);
  p.number("beta_kl").atLeast(0).describe("KL weight of real images").byDefault(d.beta_kl);
  p.number("beta_neg").atLeast(0).describe("KL weight of generated images").byDefault(d.beta_neg);
  p.number("gamma_r")
      .atLeast(0)
      .describe("weight of the decoder's cycle terms")
      .byDefault(d.gamma_r);
}

PerceptualLossOptions perceptualOptions(const TypedParams& p) {
  PerceptualLossOptions o;
  o.alfa = p.getDouble("alfa");
  if (o.alfa <= 0) return o;
  if (!p.has("vgg_weights") || p.node().at("vgg_weights").isNull()) {
    throw p.node().error(
        "alfa > 0 needs VGG19 weights: download torchvision's vgg19-dcbb9e9d.pth and set "
        "trainer.params.vgg_weights to its path, or set trainer.params.alfa: 0");
  }
  o.vgg_weights = p.node().at("vgg_weights").asString();  // a path (resolved by the loader)
  return o;
}

}  // namespace

Schema morphTrainerSchema() {
  return trainerSchema(morphKeys);
}
Schema reconstructionTrainerSchema() {
  return trainerSchema(reconstructionKeys);
}
Schema aaeTrainerSchema() {
  return trainerSchema(aaeKeys);
}
Schema softIntroTrainerSchema() {
  return trainerSchema(softIntroKeys);
}

MorphTrainerOptions morphTrainerOptions(const ConfigNode& params) {
  static const Schema schema = morphTrainerSchema();
  const TypedParams p(schema, params);
  MorphTrainerOptions o;
  o.perceptual = perceptualOptions(p);
  o.beta_max = p.getDouble("beta");
  o.delta = p.getDouble("delta");
  o.max_iter = p.getInt("max_iter");
  return o;
}

ReconstructionTrainerOptions reconstructionTrainerOptions(const ConfigNode& params) {
  static const Schema schema = reconstructionTrainerSchema();
  const TypedParams p(schema, params);
  ReconstructionTrainerOptions o;
  o.perceptual = perceptualOptions(p);
  if (const ConfigNode* t = params.find("transformer"); t && t->isMap()) {
    CoarseNoiseOptions noise;
    noise.noise_std = p.getDouble("transformer.params.noise_std");
    noise.noise_res = p.getInt("transformer.params.noise_res");
    o.noise = noise;
  }
  return o;
}

SoftIntroLossOptions softIntroOptions(const ConfigNode& params) {
  static const Schema schema = softIntroTrainerSchema();
  const TypedParams p(schema, params);
  SoftIntroLossOptions o;
  if (p.has("input_size")) {
    const double cols = static_cast<double>(params.at("input_size").asIntList().at(1));
    o.scale = 1.0 / (cols * cols);
  }
  o.beta_rec = p.getDouble("beta_rec");
  o.beta_kl = p.getDouble("beta_kl");
  o.beta_neg = p.getDouble("beta_neg");
  o.gamma_r = p.getDouble("gamma_r");
  return o;
}

}  // namespace morphaeus
