// Registration of the generative baselines trained adversarially or introspectively: the AAE of
// GPND and the Soft-Intro VAE (their trainers: projects/morphaeus).
#include "core/registry/core_components.h"

#include <string>
#include <tuple>

#include "core/config/typed_params.h"
#include "core/registry/model_factory.h"
#include "core/registry/registry.h"
#include "core/registry/struct_defaults.h"
#include "models/aae.h"
#include "models/soft_intro_vae.h"

namespace morphaeus {

namespace {

Schema aaeSchema() {
  const AaeOptions d;
  Schema p;
  p.integer("z_dim").atLeast(1).require();
  p.integer("d").atLeast(1).describe("base channel count").byDefault(d.d);
  p.integer("channels").atLeast(1).describe("image channels").byDefault(d.channels);
  p.integer("extra_layers")
      .between(0, 2)
      .describe("0: 32x32 inputs, 1: 64x64, 2: 128x128 (the paper: 2; upstream's default)")
      .byDefault(d.extra_layers);
  p.boolean("cross_batch")
      .describe(
          "only false: upstream's AAE trainer cannot train the batch-merging latent "
          "discriminator (its BCELoss gets a 1-element target for a 0-d output: ValueError at "
          "the first step)")
      .byDefault(false);
  p.integer("batchSize").atLeast(1).ignore("used by the cross-batch discriminator only");
  return p;
}

AaeOptions aaeOptions(const ConfigNode& params) {
  static const Schema schema = aaeSchema();
  const TypedParams p(schema, params);
  if (p.getBool("cross_batch")) {
    throw params.at("cross_batch")
        .error(
            "only false (upstream's default): upstream's AAE trainer fails at its first step "
            "with the batch-merging latent discriminator, so there is no behaviour to "
            "reproduce");
  }
  AaeOptions o;
  o.z_dim = p.getInt("z_dim");
  o.d = p.getInt("d");
  o.channels = p.getInt("channels");
  o.extra_layers = p.getInt("extra_layers");
  return o;
}

Schema softIntroVaeSchema() {
  const SoftIntroVaeOptions d;
  Schema p;
  p.integer("cdim").atLeast(1).describe("image channels").byDefault(d.cdim);
  p.integer("zdim").atLeast(1).describe("latent size").byDefault(d.zdim);
  std::string channels_doc = "default";
  for (std::size_t i = 0; i < d.channels.size(); ++i) {
    channels_doc += (i ? ", " : " ") + std::to_string(d.channels[i]);
  }
  p.list("channels", ValueType::Int).describe(channels_doc);
  p.integer("image_size").atLeast(2).describe("square input size").byDefault(d.image_size);
  p.boolean("conditional").describe("only false (no class-conditional model)").byDefault(false);
  p.integer("cond_dim").atLeast(1).ignore("used by the conditional model only");
  p.boolean("upstream_conv_expand")
      .describe(
          "extra 1x1 conv_expand on 512->512 blocks as upstream builds them (docs/METHOD.md "
          "section 7)")
      .byDefault(d.upstream_conv_expand);
  p.boolean("eval_sampling")
      .describe("evaluation scores from a sampled z as upstream; false: z = mu")
      .byDefault(d.eval_sampling);
  return p;
}

SoftIntroVaeOptions softIntroVaeOptions(const ConfigNode& params) {
  static const Schema schema = softIntroVaeSchema();
  const TypedParams p(schema, params);
  if (p.getBool("conditional")) {
    throw params.at("conditional").error("only false is implemented (the paper config)");
  }
  SoftIntroVaeOptions o;
  o.cdim = p.getInt("cdim");
  o.zdim = p.getInt("zdim");
  o.channels = p.getIntList("channels", o.channels);
  if (o.channels.empty()) throw params.at("channels").error("needs at least one channel count");
  o.image_size = p.getInt("image_size");
  if (o.image_size >> o.channels.size() < 1) {
    throw params.at("image_size").error("too small for the number of channel levels");
  }
  o.upstream_conv_expand = p.getBool("upstream_conv_expand");
  o.eval_sampling = p.getBool("eval_sampling");
  return o;
}

// The AAE's `channels` is its image channel count.
ModelInputRule aaeInputRule(const ConfigNode& params) {
  ModelInputRule r;
  if (const ConfigNode* n = givenKey(params, "channels"); n && n->isScalar()) r.in_channels = n;
  return r;
}

// The Soft-Intro VAE is built for square images of image_size.
ModelInputRule softIntroVaeInputRule(const ConfigNode& params) {
  ModelInputRule r;
  r.in_channels = givenKey(params, "cdim");
  const ConfigNode* size = givenKey(params, "image_size");
  const std::int64_t side = size ? size->asInt() : SoftIntroVaeOptions{}.image_size;
  r.image_size = {side, side};
  r.image_size_key = size ? size : &params;
  return r;
}

}  // namespace

void registerGenerativeModels(Registry& registry) {
  ComponentSpec aae;
  aae.kind = ComponentKind::Model;
  aae.name = {"model_zoo.aae_pidhorskyi", "AAE"};
  aae.summary =
      "AAE of GPND (Pidhorskyi et al. 2018): encoder, generator, image and latent discriminators";
  aae.params = aaeSchema();
  aae.factory = modelFactory([](const ConfigNode& p) { return AAE(aaeOptions(p)); });
  aae.takes_struct_defaults = takesStructDefaults<AaeOptions>(
      aaeOptions, [](const AaeOptions& o) { return std::tie(o.d, o.channels, o.extra_layers); });
  aae.input_rule = aaeInputRule;
  registry.add(std::move(aae));

  ComponentSpec si;
  si.kind = ComponentKind::Model;
  si.name = {"model_zoo.soft_intro_vae_daniel", "SoftIntroVAE"};
  si.summary = "Soft-Intro VAE (Daniel & Tamar 2021): residual encoder/decoder, dense posterior";
  si.params = softIntroVaeSchema();
  si.factory =
      modelFactory([](const ConfigNode& p) { return SoftIntroVAE(softIntroVaeOptions(p)); });
  si.takes_struct_defaults = takesStructDefaults<SoftIntroVaeOptions>(
      softIntroVaeOptions, [](const SoftIntroVaeOptions& o) {
        return std::tie(o.cdim, o.zdim, o.channels, o.image_size, o.upstream_conv_expand,
                        o.eval_sampling);
      });
  si.input_rule = softIntroVaeInputRule;
  registry.add(std::move(si));
}

}  // namespace morphaeus
