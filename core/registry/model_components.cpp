#include "core/registry/core_components.h"

#include "core/registry/model_factory.h"
#include "core/registry/registry.h"
#include "models/beta_vae.h"
#include "models/conv_autoencoder.h"
#include "models/dae_unet.h"
#include "models/dense_conv_autoencoder.h"
#include "models/vae.h"

namespace morphaeus {
namespace {

// Parameters shared by the encoder/decoder family (upstream convolutional_autoencoders.py).
void addAutoencoderParams(Schema& p) {
  p.integer("in_channels").atLeast(1).require();
  p.list("channels", ValueType::Int)
      .eachAtLeast(1)
      .require()
      .describe("encoder channels per block");
  p.list("strides", ValueType::Int).eachAtLeast(1).require().describe("one stride per block");
  p.integer("out_ch").atLeast(1).require();
  p.integer("kernel_size").atLeast(1).describe("default 3");
  p.enumeration("norm", {"batch", "none"}).describe("default batch");
  p.enumeration("act", {"swish", "leakyrelu", "relu"})
      .describe("default leakyrelu (upstream: nn.LeakyReLU(True), slope 1.0, i.e. identity)");
  p.enumeration("deconv_mode", {"stride", "trans"})
      .describe("stride: upsample + conv; trans: ConvTranspose2d (upstream's upsample mode fails)");
  p.string("act_final").ignore("upstream's decoder always ends with a sigmoid");
  p.boolean("bottleneck").describe("default false");
  p.boolean("skip").describe("no effect with stride-2 blocks (as upstream)");
}

}  // namespace

void registerModels(Registry& registry) {
  ComponentSpec morph;
  morph.kind = ComponentKind::Model;
  morph.name = {"model_zoo.morphaeus", "MorphAEus"};
  morph.summary = "deformable autoencoder: global prior + local deformation (Bercea et al. 2023)";
  addAutoencoderParams(morph.params);
  morph.params.list("inshape", ValueType::Int)
      .ofLength(2)
      .eachAtLeast(1)
      .require()
      .describe("(rows, cols)");
  morph.params.integer("nr_ref_channels").atLeast(1).describe("refinement levels, default 2");
  morph.params.boolean("bidir").describe("bidirectional morphology loss, default true");
  morph.params.enumeration("warp", {"native", "grid_sample"})
      .describe("warp implementation: fused kernel (default) or F::grid_sample reference");
  morph.factory = modelFactory([](const ConfigNode& p) { return MorphAEus(morphaeusOptions(p)); });
  registry.add(std::move(morph));

  ComponentSpec ae;
  ae.kind = ComponentKind::Model;
  ae.name = {"model_zoo.convolutional_autoencoders", "ConvAutoEncoder"};
  ae.summary = "plain convolutional autoencoder (AE-S; MorphAEus without deformer)";
  addAutoencoderParams(ae.params);
  ae.factory =
      modelFactory([](const ConfigNode& p) { return ConvAutoEncoder(autoencoderOptions(p)); });
  registry.add(std::move(ae));

  ComponentSpec dense;
  dense.kind = ComponentKind::Model;
  dense.name = {"model_zoo.convolutional_autoencoders", "DenseConvAutoEncoderBaur"};
  dense.summary =
      "AE-D: convolutional autoencoder with a dense 128-d bottleneck (Baur et al. 2021)";
  addAutoencoderParams(dense.params);
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
    o.z_dim = p.getInt("z_dim", 256);
    return VAE(o);
  });
  registry.add(std::move(vae));

  ComponentSpec beta;
  beta.kind = ComponentKind::Model;
  beta.name = {"model_zoo.beta_vae_higgings", "BetaVAE_H"};
  beta.summary =
      "beta-VAE (Higgins et al. 2017): 32-channel conv encoder, dense Gaussian posterior, 128x128 "
      "inputs";
  beta.params.integer("nc").atLeast(1).describe("image channels (default 1)");
  beta.params.integer("z_dim").atLeast(1).describe("latent size (default 32)");
  beta.params.boolean("additional_layer")
      .describe("the extra block for 128x128 inputs (default true; only true)");
  beta.params.boolean("eval_sampling")
      .describe("evaluation scores from a sampled z as upstream (default true); false: z = mu");
  beta.factory = modelFactory([](const ConfigNode& p) {
    if (!p.getBool("additional_layer", true)) {
      throw p.error("additional_layer: only true (128x128 inputs) is implemented");
    }
    return BetaVAE(p.getInt("z_dim", 32), p.getInt("nc", 1), p.getBool("eval_sampling", true));
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
