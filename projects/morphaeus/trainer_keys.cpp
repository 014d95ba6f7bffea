#include "projects/morphaeus/trainer_keys.h"

#include "core/config/typed_params.h"
#include "core/train/trainer_options.h"

namespace morphaeus {
namespace {

void projectKeys(Schema& p) {
  const MorphTrainerOptions morph;
  p.number("alfa")
      .atLeast(0)
      .describe("perceptual-loss weight (0 = no VGG19 needed)")
      .byDefault(0.0);
  p.number("beta")
      .atLeast(0)
      .describe("final weight of the deformation regulariser")
      .byDefault(morph.beta);
  p.number("delta")
      .atLeast(0)
      .describe("weight of the morphology term from epoch 11")
      .byDefault(morph.delta);
  p.integer("max_iter")
      .atLeast(1)
      .describe("epochs over which beta ramps up")
      .byDefault(morph.max_iter);
  p.inputPath("vgg_weights").describe("torchvision vgg19-dcbb9e9d.pth for the perceptual loss");
  const CoarseNoiseOptions noise_default;
  Schema noise;
  noise.number("noise_std").atLeast(0).byDefault(noise_default.noise_std);
  noise.integer("noise_res").atLeast(1).byDefault(noise_default.noise_res);
  Schema transformer;
  transformer.enumeration("module_name", {"transforms.gaussian_noise"}).require();
  transformer.enumeration("class_name", {"GaussianNoise"}).require();
  transformer.map("params", noise);
  p.map("transformer", transformer)
      .describe("training-input noise of the DAE (the reconstruction target stays clean)");
}

const Schema& projectSchema() {
  static const Schema schema = projectTrainerSchema();
  return schema;
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

Schema projectTrainerSchema() {
  return trainerSchema(projectKeys);
}

Schema softIntroTrainerSchema() {
  Schema p = projectTrainerSchema();
  const SoftIntroLossOptions d;
  p.number("beta_rec").atLeast(0).describe("reconstruction weight").byDefault(d.beta_rec);
  p.number("beta_kl").atLeast(0).describe("KL weight of real images").byDefault(d.beta_kl);
  p.number("beta_neg").atLeast(0).describe("KL weight of generated images").byDefault(d.beta_neg);
  p.number("gamma_r")
      .atLeast(0)
      .describe("weight of the decoder's cycle terms")
      .byDefault(d.gamma_r);
  return p;
}

MorphTrainerOptions morphTrainerOptions(const ConfigNode& params) {
  const TypedParams p(projectSchema(), params);
  MorphTrainerOptions o;
  o.perceptual = perceptualOptions(p);
  o.beta = p.getDouble("beta");
  o.delta = p.getDouble("delta");
  o.max_iter = p.getInt("max_iter");
  return o;
}

ReconstructionTrainerOptions reconstructionTrainerOptions(const ConfigNode& params) {
  const TypedParams p(projectSchema(), params);
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
