// Registration of the generative baselines trained adversarially or introspectively: the AAE of
// GPND and the Soft-Intro VAE (their trainers: projects/morphaeus).
#include "core/config/typed_params.h"
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
  const AaeOptions aae_default;
  aae.params.integer("z_dim").atLeast(1).require();
  aae.params.integer("d").atLeast(1).describe("base channel count").byDefault(aae_default.d);
  aae.params.integer("channels")
      .atLeast(1)
      .describe("image channels")
      .byDefault(aae_default.channels);
  aae.params.integer("extra_layers")
      .between(0, 2)
      .describe("0: 32x32 inputs, 1: 64x64, 2: 128x128 (the paper: 2; upstream's default 0)")
      .byDefault(0);
  aae.params.boolean("cross_batch")
      .describe(
          "only false: upstream's AAE trainer cannot train the batch-merging latent "
          "discriminator (its BCELoss gets a 1-element target for a 0-d output: ValueError at "
          "the first step)")
      .byDefault(false);
  aae.params.integer("batchSize").atLeast(1).ignore("used by the cross-batch discriminator only");
  aae.factory = modelFactory([schema = aae.params](const ConfigNode& params) {
    const TypedParams p(schema, params);
    if (p.getBool("cross_batch")) {
      throw params.at("cross_batch")
          .error(
              "only false (upstream's default): upstream's AAE trainer fails at its first step "
              "with the batch-merging latent discriminator, so there is no behaviour to "
              "reproduce");
    }
    AaeOptions o;
    o.z_dim = params.at("z_dim").asInt();
    o.d = p.getInt("d");
    o.channels = p.getInt("channels");
    o.extra_layers = p.getInt("extra_layers");
    return AAE(o);
  });
  registry.add(std::move(aae));

  ComponentSpec si;
  si.kind = ComponentKind::Model;
  si.name = {"model_zoo.soft_intro_vae_daniel", "SoftIntroVAE"};
  si.summary = "Soft-Intro VAE (Daniel & Tamar 2021): residual encoder/decoder, dense posterior";
  const SoftIntroVaeOptions si_default;
  si.params.integer("cdim").atLeast(1).describe("image channels").byDefault(si_default.cdim);
  si.params.integer("zdim").atLeast(1).describe("latent size").byDefault(si_default.zdim);
  si.params.list("channels", ValueType::Int).describe("default 64, 128, 256, 512, 512");
  si.params.integer("image_size")
      .atLeast(2)
      .describe("square input size")
      .byDefault(si_default.image_size);
  si.params.boolean("conditional")
      .describe("only false (no class-conditional model)")
      .byDefault(false);
  si.params.integer("cond_dim").atLeast(1).ignore("used by the conditional model only");
  si.params.boolean("upstream_conv_expand")
      .describe(
          "extra 1x1 conv_expand on 512->512 blocks as upstream builds them (METHOD.md "
          "section 7)")
      .byDefault(si_default.upstream_conv_expand);
  si.params.boolean("eval_sampling")
      .describe("evaluation scores from a sampled z as upstream; false: z = mu")
      .byDefault(si_default.eval_sampling);
  si.factory = modelFactory([schema = si.params](const ConfigNode& params) {
    const TypedParams p(schema, params);
    if (p.getBool("conditional")) {
      throw params.at("conditional").error("only false is implemented (the paper config)");
    }
    SoftIntroVaeOptions o;
    o.cdim = p.getInt("cdim");
    o.zdim = p.getInt("zdim");
    if (p.has("channels")) o.channels = params.at("channels").asIntList();
    if (o.channels.empty()) throw params.at("channels").error("needs at least one channel count");
    o.image_size = p.getInt("image_size");
    if (o.image_size >> o.channels.size() < 1) {
      throw params.at("image_size").error("too small for the number of channel levels");
    }
    o.upstream_conv_expand = p.getBool("upstream_conv_expand");
    o.eval_sampling = p.getBool("eval_sampling");
    return SoftIntroVAE(o);
  });
  registry.add(std::move(si));
}

}  // namespace morphaeus
