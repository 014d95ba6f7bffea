// Registration of the generative baselines trained adversarially or introspectively: the AAE of
// GPND and the Soft-Intro VAE (their trainers: projects/morphaeus).
#include "core/registry/core_components.h"

#include <string>

#include "core/config/key_table.h"
#include "core/registry/model_factory.h"
#include "core/registry/registry.h"
#include "models/aae.h"
#include "models/soft_intro_vae.h"

namespace morphaeus {

namespace {

const KeyTable<AaeOptions>& aaeKeys() {
  using O = AaeOptions;
  static const KeyTable<O> keys = [] {
    KeyTable<O> k;
    k.integer("z_dim", &O::z_dim).atLeast(1).require();
    k.integer("d", &O::d).atLeast(1).describe("base channel count");
    k.integer("channels", &O::channels).atLeast(1).describe("image channels");
    k.integer("extra_layers", &O::extra_layers)
        .between(0, 2)
        .describe("0: 32x32 inputs, 1: 64x64, 2: 128x128 (the paper: 2; upstream's default)");
    k.schema()
        .boolean("cross_batch")
        .describe(
            "only false: upstream's AAE trainer cannot train the batch-merging latent "
            "discriminator (its BCELoss gets a 1-element target for a 0-d output: ValueError at "
            "the first step)")
        .byDefault(false);
    k.schema().integer("batchSize").atLeast(1).ignore("used by the cross-batch discriminator only");
    k.finish([](const TypedParams& p, O&) {
      if (!p.getBool("cross_batch")) return;
      throw p.node()
          .at("cross_batch")
          .error(
              "only false (upstream's default): upstream's AAE trainer fails at its first step "
              "with the batch-merging latent discriminator, so there is no behaviour to "
              "reproduce");
    });
    return k;
  }();
  return keys;
}

const KeyTable<SoftIntroVaeOptions>& softIntroVaeKeys() {
  using O = SoftIntroVaeOptions;
  static const KeyTable<O> keys = [] {
    KeyTable<O> k;
    k.integer("cdim", &O::cdim).atLeast(1).describe("image channels");
    k.integer("zdim", &O::zdim).atLeast(1).describe("latent size");
    k.integers("channels", &O::channels).describe("channels per level");
    k.integer("image_size", &O::image_size).atLeast(2).describe("square input size");
    k.schema()
        .boolean("conditional")
        .describe("only false (no class-conditional model)")
        .byDefault(false);
    k.schema().integer("cond_dim").atLeast(1).ignore("used by the conditional model only");
    k.boolean("upstream_conv_expand", &O::upstream_conv_expand)
        .describe(
            "extra 1x1 conv_expand on 512->512 blocks as upstream builds them (docs/METHOD.md "
            "section 7)");
    k.boolean("eval_sampling", &O::eval_sampling)
        .describe("evaluation scores from a sampled z as upstream; false: z = mu");
    k.finish([](const TypedParams& p, O& o) {
      const ConfigNode& params = p.node();
      if (p.getBool("conditional")) {
        throw params.at("conditional").error("only false is implemented (the paper config)");
      }
      if (o.channels.empty()) throw params.at("channels").error("needs at least one channel count");
      if (o.image_size >> o.channels.size() < 1) {
        throw params.at("image_size").error("too small for the number of channel levels");
      }
    });
    return k;
  }();
  return keys;
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
  aae.params = aaeKeys().schema();
  aae.factory = ModelComponent{
      modelFactory([](const ConfigNode& p) { return AAE(aaeKeys().read(p)); }), aaeInputRule};
  aae.takes_struct_defaults = [](const ConfigNode& p) { return aaeKeys().takesDefaults(p); };
  registry.add(std::move(aae));

  ComponentSpec si;
  si.kind = ComponentKind::Model;
  si.name = {"model_zoo.soft_intro_vae_daniel", "SoftIntroVAE"};
  si.summary = "Soft-Intro VAE (Daniel & Tamar 2021): residual encoder/decoder, dense posterior";
  si.params = softIntroVaeKeys().schema();
  si.factory = ModelComponent{
      modelFactory([](const ConfigNode& p) { return SoftIntroVAE(softIntroVaeKeys().read(p)); }),
      softIntroVaeInputRule};
  si.takes_struct_defaults = [](const ConfigNode& p) {
    return softIntroVaeKeys().takesDefaults(p);
  };
  registry.add(std::move(si));
}

}  // namespace morphaeus
