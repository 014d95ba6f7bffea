#include "core/registry/core_components.h"

#include "core/config/key_table.h"
#include "core/config/typed_params.h"
#include "core/registry/model_factory.h"
#include "core/registry/registry.h"
#include "models/beta_vae.h"
#include "models/conv_autoencoder.h"
#include "models/dae_unet.h"
#include "models/dense_conv_autoencoder.h"
#include "models/vae.h"

namespace morphaeus {
namespace {

const KeyTable<VaeOptions>& vaeKeys() {
  using O = VaeOptions;
  static const KeyTable<O> keys = [] {
    KeyTable<O> k;
    k.integers("input_size", &O::input_size)
        .ofLength(3)
        .eachAtLeast(1)
        .require()
        .describe("(channels, rows, cols)");
    k.integers("h_size", &O::h_size)
        .eachAtLeast(1)
        .require()
        .describe("channels per stride-2 block");
    k.integer("z_dim", &O::z_dim).atLeast(1).require();
    return k;
  }();
  return keys;
}

// BetaVAE_H's keys; `additional_layer` (the 128x128 block) is only accepted as true.
const KeyTable<BetaVaeOptions>& betaVaeKeys() {
  static const KeyTable<BetaVaeOptions> keys = [] {
    KeyTable<BetaVaeOptions> k;
    k.integer("nc", &BetaVaeOptions::nc).atLeast(1).describe("image channels");
    k.integer("z_dim", &BetaVaeOptions::z_dim).atLeast(1).describe("latent size");
    k.schema()
        .boolean("additional_layer")
        .describe("the extra block for 128x128 inputs (only true)")
        .byDefault(true);
    k.boolean("eval_sampling", &BetaVaeOptions::eval_sampling)
        .describe("evaluation scores from a sampled z as upstream; false: z = mu");
    k.finish([](const TypedParams& p, BetaVaeOptions&) {
      if (!p.getBool("additional_layer"))
        throw p.node().error("additional_layer: only true (128x128 inputs) is implemented");
    });
    return k;
  }();
  return keys;
}

const KeyTable<DaeUNetOptions>& daeUNetKeys() {
  static const KeyTable<DaeUNetOptions> keys = [] {
    KeyTable<DaeUNetOptions> k;
    k.integer("in_channels", &DaeUNetOptions::in_channels).atLeast(1).describe("input channels");
    k.integer("n_classes", &DaeUNetOptions::n_classes).atLeast(1).describe("output channels");
    k.integer("depth", &DaeUNetOptions::depth).atLeast(1).describe("levels (the paper: 4)");
    k.integer("wf", &DaeUNetOptions::wf)
        .atLeast(0)
        .describe("2^wf channels at the first level (the paper: 6)");
    k.boolean("padding", &DaeUNetOptions::padding)
        .describe("reflection padding: output size = input size (the paper: true)");
    k.choice("norm", {"group", "batch", "none"}, &DaeUNetOptions::norm);
    k.schema()
        .enumeration("up_mode", {"upconv"})
        .describe("transposed-conv upsampling (upstream's upsample mode is not implemented)");
    return k;
  }();
  return keys;
}

// The VAE takes input_size = (channels, rows, cols).
ModelInputRule vaeInputRule(const ConfigNode& params) {
  ModelInputRule r;
  const ConfigNode* size = givenKey(params, "input_size");
  if (size == nullptr || !size->isSequence()) return r;
  r.in_channels = &size->items().at(0);
  const auto v = size->asIntList();
  r.image_size = {v.at(1), v.at(2)};
  r.image_size_key = size;
  return r;
}

// BetaVAE_H is the 128x128 architecture only (its additional layer).
ModelInputRule betaVaeInputRule(const ConfigNode& params) {
  ModelInputRule r;
  r.in_channels = givenKey(params, "nc");
  r.image_size = {128, 128};
  r.image_size_key = &params;
  return r;
}

ModelInputRule daeUNetInputRule(const ConfigNode& params) {
  ModelInputRule r;
  r.in_channels = givenKey(params, "in_channels");
  if (const ConfigNode* n = givenKey(params, "n_classes"))
    r.out_channels.emplace_back("n_classes", n);
  return r;
}

}  // namespace

void registerModels(Registry& registry) {
  ComponentSpec morph;
  morph.kind = ComponentKind::Model;
  morph.name = {"model_zoo.morphaeus", "MorphAEus"};
  morph.summary = "deformable autoencoder: global prior + local deformation (Bercea et al. 2023)";
  morph.params = morphaeusKeys().schema();
  morph.factory = ModelComponent{
      modelFactory([](const ConfigNode& p) { return MorphAEus(morphaeusKeys().read(p)); }),
      morphaeusInputRule};
  morph.takes_struct_defaults = [](const ConfigNode& p) {
    return morphaeusKeys().takesDefaults(p);
  };
  registry.add(std::move(morph));

  ComponentSpec ae;
  ae.kind = ComponentKind::Model;
  ae.name = {"model_zoo.convolutional_autoencoders", "ConvAutoEncoder"};
  ae.summary = "plain convolutional autoencoder (AE-S; MorphAEus without deformer)";
  ae.params = autoencoderKeys().schema();
  ae.factory = ModelComponent{
      modelFactory([](const ConfigNode& p) { return ConvAutoEncoder(autoencoderKeys().read(p)); }),
      autoencoderInputRule};
  ae.takes_struct_defaults = [](const ConfigNode& p) { return autoencoderKeys().takesDefaults(p); };
  registry.add(std::move(ae));

  ComponentSpec dense;
  dense.kind = ComponentKind::Model;
  dense.name = {"model_zoo.convolutional_autoencoders", "DenseConvAutoEncoderBaur"};
  dense.summary =
      "AE-D: convolutional autoencoder with a dense 128-d bottleneck (Baur et al. 2021)";
  dense.params = autoencoderKeys().schema();
  dense.factory = ModelComponent{modelFactory([](const ConfigNode& p) {
                                   return DenseConvAutoEncoder(autoencoderKeys().read(p));
                                 }),
                                 denseAutoencoderInputRule};
  dense.takes_struct_defaults = [](const ConfigNode& p) {
    return autoencoderKeys().takesDefaults(p);
  };
  registry.add(std::move(dense));

  ComponentSpec vae;
  vae.kind = ComponentKind::Model;
  vae.name = {"model_zoo.vae_hahn", "VAE"};
  vae.summary =
      "VAE (Zimmerer et al. 2019): conv encoder to a 1x1 Gaussian posterior, transposed-conv "
      "decoder";
  vae.params = vaeKeys().schema();
  vae.factory = ModelComponent{
      modelFactory([](const ConfigNode& p) { return VAE(vaeKeys().read(p)); }), vaeInputRule};
  vae.takes_struct_defaults = [](const ConfigNode& p) { return vaeKeys().takesDefaults(p); };
  registry.add(std::move(vae));

  ComponentSpec beta;
  beta.kind = ComponentKind::Model;
  beta.name = {"model_zoo.beta_vae_higgings", "BetaVAE_H"};
  beta.summary =
      "beta-VAE (Higgins et al. 2017): 32-channel conv encoder, dense Gaussian posterior, 128x128 "
      "inputs";
  beta.params = betaVaeKeys().schema();
  beta.factory = ModelComponent{
      modelFactory([](const ConfigNode& p) { return BetaVAE(betaVaeKeys().read(p)); }),
      betaVaeInputRule};
  beta.takes_struct_defaults = [](const ConfigNode& p) { return betaVaeKeys().takesDefaults(p); };
  registry.add(std::move(beta));

  ComponentSpec unet;
  unet.kind = ComponentKind::Model;
  unet.name = {"model_zoo.dae_kascenas", "UNet"};
  unet.summary =
      "DAE (Kascenas et al. 2022): U-Net with weight-standardised convs, swish, GroupNorm";
  unet.params = daeUNetKeys().schema();
  unet.factory = ModelComponent{
      modelFactory([](const ConfigNode& p) { return DaeUNet(daeUNetKeys().read(p)); }),
      daeUNetInputRule};
  unet.takes_struct_defaults = [](const ConfigNode& p) { return daeUNetKeys().takesDefaults(p); };
  registry.add(std::move(unet));
}

}  // namespace morphaeus
