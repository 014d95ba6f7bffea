#include "core/config/typed_params.h"
#include "core/registry/core_components.h"

#include "core/registry/model_factory.h"
#include "core/registry/registry.h"
#include "models/beta_vae.h"
#include "models/conv_autoencoder.h"
#include "models/dae_unet.h"
#include "models/dense_conv_autoencoder.h"
#include "models/vae.h"

namespace morphaeus {

void registerModels(Registry& registry) {
  ComponentSpec morph;
  morph.kind = ComponentKind::Model;
  morph.name = {"model_zoo.morphaeus", "MorphAEus"};
  morph.summary = "deformable autoencoder: global prior + local deformation (Bercea et al. 2023)";
  morph.params = morphaeusSchema();
  morph.factory = modelFactory([](const ConfigNode& p) { return MorphAEus(morphaeusOptions(p)); });
  registry.add(std::move(morph));

  ComponentSpec ae;
  ae.kind = ComponentKind::Model;
  ae.name = {"model_zoo.convolutional_autoencoders", "ConvAutoEncoder"};
  ae.summary = "plain convolutional autoencoder (AE-S; MorphAEus without deformer)";
  ae.params = autoencoderSchema();
  ae.factory =
      modelFactory([](const ConfigNode& p) { return ConvAutoEncoder(autoencoderOptions(p)); });
  registry.add(std::move(ae));

  ComponentSpec dense;
  dense.kind = ComponentKind::Model;
  dense.name = {"model_zoo.convolutional_autoencoders", "DenseConvAutoEncoderBaur"};
  dense.summary =
      "AE-D: convolutional autoencoder with a dense 128-d bottleneck (Baur et al. 2021)";
  dense.params = autoencoderSchema();
  dense.factory =
      modelFactory([](const ConfigNode& p) { return DenseConvAutoEncoder(autoencoderOptions(p)); });
  registry.add(std::move(dense));

  ComponentSpec vae;
  vae.kind = ComponentKind::Model;
  vae.name = {"model_zoo.vae_hahn", "VAE"};
  vae.summary =
      "VAE (Zimmerer et al. 2019): conv encoder to a 1x1 Gaussian posterior, transposed-conv "
      "decoder";
  vae.params.list("input_size", ValueType::Int)
      .ofLength(3)
      .eachAtLeast(1)
      .require()
      .describe("(channels, rows, cols)");
  vae.params.list("h_size", ValueType::Int)
      .eachAtLeast(1)
      .require()
      .describe("channels per stride-2 block");
  vae.params.integer("z_dim").atLeast(1).require();
  vae.factory = modelFactory([](const ConfigNode& p) {
    VaeOptions o;
    o.input_size = p.at("input_size").asIntList();
    o.h_size = p.at("h_size").asIntList();
    o.z_dim = p.at("z_dim").asInt();  // required by the schema
    return VAE(o);
  });
  registry.add(std::move(vae));

  ComponentSpec beta;
  beta.kind = ComponentKind::Model;
  beta.name = {"model_zoo.beta_vae_higgings", "BetaVAE_H"};
  beta.summary =
      "beta-VAE (Higgins et al. 2017): 32-channel conv encoder, dense Gaussian posterior, 128x128 "
      "inputs";
  beta.params.integer("nc").atLeast(1).describe("image channels").byDefault(1);
  beta.params.integer("z_dim").atLeast(1).describe("latent size").byDefault(32);
  beta.params.boolean("additional_layer")
      .describe("the extra block for 128x128 inputs (only true)")
      .byDefault(true);
  beta.params.boolean("eval_sampling")
      .describe("evaluation scores from a sampled z as upstream; false: z = mu")
      .byDefault(true);
  beta.factory = modelFactory([schema = beta.params](const ConfigNode& params) {
    const TypedParams p(schema, params);
    if (!p.getBool("additional_layer")) {
      throw params.error("additional_layer: only true (128x128 inputs) is implemented");
    }
    return BetaVAE(p.getInt("z_dim"), p.getInt("nc"), p.getBool("eval_sampling"));
  });
  registry.add(std::move(beta));

  ComponentSpec unet;
  unet.kind = ComponentKind::Model;
  unet.name = {"model_zoo.dae_kascenas", "UNet"};
  unet.summary =
      "DAE (Kascenas et al. 2022): U-Net with weight-standardised convs, swish, GroupNorm";
  unet.params.integer("in_channels").atLeast(1).describe("default 1");
  unet.params.integer("n_classes").atLeast(1).describe("output channels (default 1)");
  unet.params.integer("depth").atLeast(1).describe("levels (default 3; the paper: 4)");
  unet.params.integer("wf").atLeast(0).describe(
      "2^wf channels at the first level (default 7; the paper: 6)");
  unet.params.boolean("padding").describe(
      "reflection padding: output size = input size (default false)");
  unet.params.enumeration("norm", {"group", "batch", "none"}).describe("default group");
  unet.params.enumeration("up_mode", {"upconv"})
      .describe("transposed-conv upsampling (upstream's upsample mode is not implemented)");
  unet.factory = modelFactory([](const ConfigNode& p) {
    DaeUNetOptions o;
    o.in_channels = p.getInt("in_channels", 1);
    o.n_classes = p.getInt("n_classes", 1);
    o.depth = p.getInt("depth", 3);
    o.wf = p.getInt("wf", 7);
    o.padding = p.getBool("padding", false);
    o.norm = p.getString("norm", "group");
    return DaeUNet(o);
  });
  registry.add(std::move(unet));
}

}  // namespace morphaeus
