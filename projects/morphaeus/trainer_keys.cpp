#include "projects/morphaeus/trainer_keys.h"

#include <string>

#include "core/train/trainer_options.h"

namespace morphaeus {
namespace {

// The project's trainer keys come in groups, each declared once; a trainer reads some groups and
// accepts the others as ignored ("not read by <trainer>"), as upstream's configs carry them all.

// alfa, vgg_weights: the perceptual loss.
const KeyTable<PerceptualLossOptions>& perceptualKeys() {
  using O = PerceptualLossOptions;
  static const KeyTable<O> keys = [] {
    KeyTable<O> k;
    k.number("alfa", &O::alfa).atLeast(0).describe("perceptual-loss weight (0 = no VGG19 needed)");
    k.inputPath("vgg_weights", &O::vgg_weights)
        .describe("torchvision vgg19-dcbb9e9d.pth for the perceptual loss");
    k.finish([](const TypedParams& p, O& o) {
      if (o.alfa <= 0 || !o.vgg_weights.empty()) return;
      throw p.node().error(
          "alfa > 0 needs VGG19 weights: download torchvision's vgg19-dcbb9e9d.pth and set "
          "trainer.params.vgg_weights to its path, or set trainer.params.alfa: 0");
    });
    return k;
  }();
  return keys;
}

// beta, delta, max_iter: MorphAEus' deformation regulariser and morphology term.
const KeyTable<MorphTrainerOptions>& morphologyKeys() {
  using O = MorphTrainerOptions;
  static const KeyTable<O> keys = [] {
    KeyTable<O> k;
    k.number("beta", &O::beta_max)
        .atLeast(0)
        .describe("the largest weight of the deformation regulariser (reached at max_iter)");
    k.number("delta", &O::delta)
        .atLeast(0)
        .describe("weight of the morphology term (once it joins the loss)");
    k.integer("max_iter", &O::max_iter).atLeast(1).describe("epochs over which beta ramps up");
    return k;
  }();
  return keys;
}

// transformer: the DAE's training-input noise.
const KeyTable<ReconstructionTrainerOptions>& noiseKeys() {
  static const KeyTable<ReconstructionTrainerOptions> keys = [] {
    using Noise = CoarseNoiseOptions;
    KeyTable<Noise> params;
    params.number("noise_std", &Noise::noise_std).atLeast(0);
    params.integer("noise_res", &Noise::noise_res).atLeast(1);
    KeyTable<Noise> transformer;
    transformer.schema().enumeration("module_name", {"transforms.gaussian_noise"}).require();
    transformer.schema().enumeration("class_name", {"GaussianNoise"}).require();
    transformer.map("params", params, [](Noise& o) -> Noise& { return o; });
    KeyTable<ReconstructionTrainerOptions> k;
    k.map("transformer", transformer, &ReconstructionTrainerOptions::noise)
        .describe("training-input noise of the DAE (the reconstruction target stays clean)");
    return k;
  }();
  return keys;
}

// beta_rec, beta_kl, beta_neg, gamma_r: the Soft-Intro VAE's loss weights.
const KeyTable<SoftIntroLossOptions>& softIntroKeys() {
  using O = SoftIntroLossOptions;
  static const KeyTable<O> keys = [] {
    KeyTable<O> k;
    k.number("beta_rec", &O::beta_rec).atLeast(0).describe("reconstruction weight");
    k.number("beta_kl", &O::beta_kl).atLeast(0).describe("KL weight of real images");
    k.number("beta_neg", &O::beta_neg).atLeast(0).describe("KL weight of generated images");
    k.number("gamma_r", &O::gamma_r).atLeast(0).describe("weight of the decoder's cycle terms");
    k.finish([](const TypedParams& p, O& o) {  // input_size: a base trainer key
      if (const ConfigNode* size = p.node().find("input_size"); size && size->isSequence()) {
        const double cols = static_cast<double>(size->asIntList().at(1));
        o.scale = 1.0 / (cols * cols);
      }
    });
    return k;
  }();
  return keys;
}

Schema ignoring(Schema keys, const std::string& trainer) {
  return keys.ignoringAll("not read by " + trainer);
}

}  // namespace

const KeyTable<MorphTrainerOptions>& morphTrainerKeys() {
  static const KeyTable<MorphTrainerOptions> keys = [] {
    KeyTable<MorphTrainerOptions> k;
    k.include(perceptualKeys(), &MorphTrainerOptions::perceptual);
    k.include(morphologyKeys(), [](MorphTrainerOptions& o) -> MorphTrainerOptions& { return o; });
    k.schema().append(ignoring(noiseKeys().schema(), "MorphTrainer"));
    return k;
  }();
  return keys;
}

const KeyTable<ReconstructionTrainerOptions>& reconstructionTrainerKeys() {
  using O = ReconstructionTrainerOptions;
  static const KeyTable<O> keys = [] {
    KeyTable<O> k;
    k.include(perceptualKeys(), &O::perceptual);
    k.schema().append(ignoring(morphologyKeys().schema(), "Trainer"));
    k.include(noiseKeys(), [](O& o) -> O& { return o; });
    return k;
  }();
  return keys;
}

Schema aaeTrainerKeys() {
  Schema keys = ignoring(perceptualKeys().schema(), "AAETrainer");
  keys.append(ignoring(morphologyKeys().schema(), "AAETrainer"));
  keys.append(ignoring(noiseKeys().schema(), "AAETrainer"));
  return keys;
}

const KeyTable<SoftIntroLossOptions>& softIntroTrainerKeys() {
  static const KeyTable<SoftIntroLossOptions> keys = [] {
    KeyTable<SoftIntroLossOptions> k;
    k.schema().append(ignoring(perceptualKeys().schema(), "SIVAETrainer"));
    k.schema().append(ignoring(morphologyKeys().schema(), "SIVAETrainer"));
    k.schema().append(ignoring(noiseKeys().schema(), "SIVAETrainer"));
    k.include(softIntroKeys(), [](SoftIntroLossOptions& o) -> SoftIntroLossOptions& { return o; });
    return k;
  }();
  return keys;
}

Schema morphTrainerSchema() {
  return trainerSchema(morphTrainerKeys().schema());
}
Schema reconstructionTrainerSchema() {
  return trainerSchema(reconstructionTrainerKeys().schema());
}
Schema aaeTrainerSchema() {
  return trainerSchema(aaeTrainerKeys());
}
Schema softIntroTrainerSchema() {
  return trainerSchema(softIntroTrainerKeys().schema());
}

MorphTrainerOptions morphTrainerOptions(const ConfigNode& params) {
  return morphTrainerKeys().read(params);
}
ReconstructionTrainerOptions reconstructionTrainerOptions(const ConfigNode& params) {
  return reconstructionTrainerKeys().read(params);
}
SoftIntroLossOptions softIntroOptions(const ConfigNode& params) {
  return softIntroTrainerKeys().read(params);
}

}  // namespace morphaeus
