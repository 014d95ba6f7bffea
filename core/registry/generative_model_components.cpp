// Registration of the generative baselines trained adversarially or introspectively: the AAE of
// GPND and the Soft-Intro VAE (their trainers: projects/morphaeus).
#include "core/registry/core_components.h"
#include "core/registry/model_factory.h"
#include "core/registry/registry.h"
#include "models/aae.h"
#include "models/soft_intro_vae.h"

namespace morphaeus {

void registerGenerativeModels(Registry& registry) {
  ComponentSpec aae;
  aae.kind = ComponentKind::Model;
  aae.name = {"model_zoo.aae_pidhorskyi", "AAE"};
  aae.summary =
      "AAE of GPND (Pidhorskyi et al. 2018): encoder, generator, image and latent discriminators";
  aae.params.integer("z_dim").atLeast(1).require();
  aae.params.integer("d").atLeast(1).describe("base channel count (default 64)");
  aae.params.integer("channels").atLeast(1).describe("image channels (default 1)");
  aae.params.integer("extra_layers")
      .between(0, 2)
      .describe("0: 32x32 inputs, 1: 64x64, 2: 128x128 (default 0, the paper: 2)");
  aae.params.boolean("cross_batch")
      .describe("only false: the batch-merging latent discriminator is not implemented");
  aae.params.integer("batchSize").atLeast(1).ignore("used by the cross-batch discriminator only");
  aae.factory = modelFactory([](const ConfigNode& p) {
    if (p.getBool("cross_batch", false)) {
      throw p.at("cross_batch").error("only false is implemented (upstream's default)");
    }
    AaeOptions o;
    o.z_dim = p.getInt("z_dim", o.z_dim);
    o.d = p.getInt("d", o.d);
    o.channels = p.getInt("channels", o.channels);
    o.extra_layers = p.getInt("extra_layers", 0);
    return AAE(o);
  });
  registry.add(std::move(aae));

  ComponentSpec si;
  si.kind = ComponentKind::Model;
  si.name = {"model_zoo.soft_intro_vae_daniel", "SoftIntroVAE"};
  si.summary = "Soft-Intro VAE (Daniel & Tamar 2021): residual encoder/decoder, dense posterior";
  si.params.integer("cdim").atLeast(1).describe("image channels (default 1)");
  si.params.integer("zdim").atLeast(1).describe("latent size (default 128)");
  si.params.list("channels", ValueType::Int).describe("default 64, 128, 256, 512, 512");
  si.params.integer("image_size").atLeast(2).describe("square input size (default 128)");
  si.params.boolean("conditional").describe("only false (no class-conditional model)");
  si.params.integer("cond_dim").atLeast(1).ignore("used by the conditional model only");
  si.params.boolean("upstream_conv_expand")
      .describe(
          "extra 1x1 conv_expand on 512->512 blocks as upstream builds them (default true, "
          "METHOD.md section 7)");
  si.params.boolean("eval_sampling")
      .describe("evaluation scores from a sampled z as upstream (default true); false: z = mu");
  si.factory = modelFactory([](const ConfigNode& p) {
    if (p.getBool("conditional", false)) {
      throw p.at("conditional").error("only false is implemented (the paper config)");
    }
    SoftIntroVaeOptions o;
    o.cdim = p.getInt("cdim", o.cdim);
    o.zdim = p.getInt("zdim", o.zdim);
    if (p.has("channels")) o.channels = p.at("channels").asIntList();
    if (o.channels.empty()) throw p.at("channels").error("needs at least one channel count");
    o.image_size = p.getInt("image_size", o.image_size);
    if (o.image_size >> o.channels.size() < 1) {
      throw p.at("image_size").error("too small for the number of channel levels");
    }
    o.upstream_conv_expand = p.getBool("upstream_conv_expand", true);
    o.eval_sampling = p.getBool("eval_sampling", true);
    return SoftIntroVAE(o);
  });
  registry.add(std::move(si));
}

}  // namespace morphaeus
