#include "core/registry/model_factory.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/config/key_table.h"
#include "core/config/typed_params.h"
#include "core/registry/registry.h"
#include "models/dense_conv_autoencoder.h"

namespace morphaeus {

const KeyTable<AutoencoderOptions>& autoencoderKeys() {
  using O = AutoencoderOptions;
  static const KeyTable<O> keys = [] {
    KeyTable<O> k;
    k.integer("in_channels", &O::in_channels).atLeast(1).require();
    k.integers("channels", &O::channels)
        .eachAtLeast(1)
        .require()
        .describe("encoder channels per block");
    k.integers("strides", &O::strides).eachAtLeast(1).require().describe("one stride per block");
    k.integer("out_ch", &O::out_ch).atLeast(1).require();
    k.integer("kernel_size", &O::kernel_size).atLeast(1);
    k.choice("norm", {"batch", "none"}, &O::norm);
    k.choice("act", {"swish", "leakyrelu", "relu"}, &O::act)
        .describe("upstream's leakyrelu is nn.LeakyReLU(True): slope 1.0, i.e. identity");
    k.choice("deconv_mode", {"stride", "trans"}, &O::deconv_mode)
        .describe(
            "stride: upsample + conv; trans: ConvTranspose2d (upstream's upsample mode fails)");
    k.schema().string("act_final").ignore("upstream's decoder always ends with a sigmoid");
    k.boolean("bottleneck", &O::bottleneck);
    k.schema().boolean("skip").describe("no effect with stride-2 blocks (as upstream)");
    k.finish([](const TypedParams& p, O& o) {
      static bool warned = false;  // once per process
      if (o.act != "leakyrelu" || warned) return;
      spdlog::warn(
          "{}: act: leakyrelu is upstream's nn.LeakyReLU(True), i.e. negative slope 1.0 (the "
          "identity); reproduced as is for faithful numbers (docs/METHOD.md section 7)",
          p.node().path().empty() ? "model.params" : p.node().path());
      warned = true;
    });
    return k;
  }();
  return keys;
}

const KeyTable<MorphAEusOptions>& morphaeusKeys() {
  using O = MorphAEusOptions;
  static const KeyTable<O> keys = [] {
    KeyTable<O> k;
    k.include(autoencoderKeys(), &O::autoencoder);
    k.integers("inshape", &O::inshape)
        .ofLength(2)
        .eachAtLeast(1)
        .require()
        .describe("(rows, cols)");
    k.integer("nr_ref_channels", &O::nr_ref_channels).atLeast(1).describe("refinement levels");
    k.boolean("bidir", &O::bidir).describe("bidirectional morphology loss");
    k.named("warp", {{"native", WarpMode::Native}, {"grid_sample", WarpMode::GridSample}}, &O::warp)
        .describe("warp implementation: fused kernel or F::grid_sample reference");
    return k;
  }();
  return keys;
}

namespace {

// The encoder's total stride: one block per stride (AutoencoderOptions: with one stride more
// than channel entries, the last channel count is repeated for it), saturated far above any
// image side (strides have no upper bound in the schema).
std::int64_t encoderReduction(const std::vector<std::int64_t>& strides) {
  std::int64_t reduction = 1;
  for (const std::int64_t s : strides) {
    reduction = std::min<std::int64_t>(reduction * std::min<std::int64_t>(s, 1 << 20),
                                       std::int64_t(1) << 40);
  }
  return reduction;
}

}  // namespace

ModelInputRule autoencoderInputRule(const ConfigNode& params) {
  ModelInputRule r;
  r.in_channels = givenKey(params, "in_channels");
  if (const ConfigNode* n = givenKey(params, "out_ch")) r.out_channels.emplace_back("out_ch", n);
  const ConfigNode* channels = givenKey(params, "channels");
  const ConfigNode* strides = givenKey(params, "strides");
  if (channels == nullptr || strides == nullptr || !channels->isSequence() ||
      !strides->isSequence()) {
    return r;
  }
  // Upstream's AE-S and AE-D configs give 4 strides for 3 channel entries: 4 blocks.
  r.side_multiple = encoderReduction(strides->asIntList());
  r.side_multiple_key = strides;
  return r;
}

ModelInputRule denseAutoencoderInputRule(const ConfigNode& params) {
  ModelInputRule r = autoencoderInputRule(params);
  if (r.side_multiple_key == nullptr) return r;
  constexpr std::int64_t side = DenseConvAutoEncoderImpl::kBottleneckSide;
  r.reduced_pixels = DenseConvAutoEncoderImpl::kBottleneckPixels;
  r.reduced_pixels_reason = "the dense bottleneck takes " + std::to_string(r.reduced_pixels) +
                            " pixels (e.g. " + sizeText(side, side) + ": images of " +
                            sizeText(side * r.side_multiple, side * r.side_multiple) + ")";
  return r;
}

ModelInputRule morphaeusInputRule(const ConfigNode& params) {
  ModelInputRule r = autoencoderInputRule(params);
  r.side_multiple = 1;
  r.side_multiple_key = nullptr;
  const ConfigNode* inshape = givenKey(params, "inshape");
  if (inshape != nullptr) {
    const auto v = inshape->asIntList();
    r.image_size = {v.at(0), v.at(1)};
    r.image_size_key = inshape;
  }
  const ConfigNode* channels = givenKey(params, "channels");
  const ConfigNode* strides = givenKey(params, "strides");
  if (channels == nullptr || strides == nullptr || !channels->isSequence() ||
      !strides->isSequence()) {
    return r;
  }
  // MorphAEus needs one stride per block.
  const auto stride_list = strides->asIntList();
  const std::size_t blocks = channels->items().size();
  if (blocks != stride_list.size()) {
    r.errors.push_back(strides->error(std::to_string(stride_list.size()) + " strides for " +
                                      std::to_string(blocks) + " blocks: one stride per entry of " +
                                      namedKey(*channels)));
    return r;
  }
  const std::int64_t reduction = encoderReduction(stride_list);
  if (const ConfigNode* ref = givenKey(params, "nr_ref_channels")) {
    if (ref->asInt() >= static_cast<std::int64_t>(blocks)) {
      r.errors.push_back(ref->error("at most " + std::to_string(blocks - 1) +
                                    " refinement levels for the " + std::to_string(blocks) +
                                    " blocks of " + namedKey(*channels)));
    }
  }
  if (inshape == nullptr) {
    r.side_multiple = reduction;
    r.side_multiple_key = strides;
  } else if (r.image_size->first != reduction || r.image_size->second != reduction) {
    r.errors.push_back(inshape->error(
        "the encoder reduces its input by " + std::to_string(reduction) + " (the product of " +
        namedKey(*strides) + ") and must reach one pixel: inshape must be " +
        sizeText(reduction, reduction)));
  }
  return r;
}

std::shared_ptr<torch::nn::Module> buildModel(const ConfigNode& model) {
  const ModelFactory& factory =
      Registry::global().requireFactory<ModelComponent>(ComponentKind::Model, model).build;
  const ConfigNode* params = model.find("params");
  if (params != nullptr && !params->isNull()) return factory(*params);
  return factory(ConfigNode::map(model.where(), model.path() + ".params"));
}

}  // namespace morphaeus
