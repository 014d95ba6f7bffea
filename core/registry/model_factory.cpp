#include "core/registry/model_factory.h"

#include <spdlog/spdlog.h>

#include "core/config/typed_params.h"
#include "core/registry/registry.h"

namespace morphaeus {

Schema autoencoderSchema() {
  const AutoencoderOptions d;
  Schema p;
  p.integer("in_channels").atLeast(1).require();
  p.list("channels", ValueType::Int)
      .eachAtLeast(1)
      .require()
      .describe("encoder channels per block");
  p.list("strides", ValueType::Int).eachAtLeast(1).require().describe("one stride per block");
  p.integer("out_ch").atLeast(1).require();
  p.integer("kernel_size").atLeast(1).byDefault(d.kernel_size);
  p.enumeration("norm", {"batch", "none"}).byDefault(d.norm.c_str());
  p.enumeration("act", {"swish", "leakyrelu", "relu"})
      .describe("upstream's leakyrelu is nn.LeakyReLU(True): slope 1.0, i.e. identity")
      .byDefault(d.act.c_str());
  p.enumeration("deconv_mode", {"stride", "trans"})
      .describe("stride: upsample + conv; trans: ConvTranspose2d (upstream's upsample mode fails)")
      .byDefault(d.deconv_mode.c_str());
  p.string("act_final").ignore("upstream's decoder always ends with a sigmoid");
  p.boolean("bottleneck").byDefault(d.bottleneck);
  p.boolean("skip").describe("no effect with stride-2 blocks (as upstream)");
  return p;
}

Schema morphaeusSchema() {
  const MorphAEusOptions d;
  Schema p = autoencoderSchema();
  p.list("inshape", ValueType::Int).ofLength(2).eachAtLeast(1).require().describe("(rows, cols)");
  p.integer("nr_ref_channels")
      .atLeast(1)
      .describe("refinement levels")
      .byDefault(d.nr_ref_channels);
  p.boolean("bidir").describe("bidirectional morphology loss").byDefault(d.bidir);
  p.enumeration("warp", {"native", "grid_sample"})
      .describe("warp implementation: fused kernel or F::grid_sample reference")
      .byDefault("native");
  return p;
}

AutoencoderOptions autoencoderOptions(const ConfigNode& params) {
  static const Schema schema = autoencoderSchema();
  const TypedParams p(schema, params);
  AutoencoderOptions o;
  o.in_channels = params.at("in_channels").asInt();  // required
  o.channels = params.at("channels").asIntList();
  o.strides = params.at("strides").asIntList();
  o.out_ch = params.at("out_ch").asInt();
  o.kernel_size = p.getInt("kernel_size");
  o.norm = p.getString("norm");
  o.act = p.getString("act");
  if (o.act == "leakyrelu") {
    static bool warned = false;  // once per process
    if (!warned) {
      spdlog::warn(
          "{}: act: leakyrelu is upstream's nn.LeakyReLU(True), i.e. negative slope 1.0 (the "
          "identity); reproduced as is for faithful numbers (METHOD.md section 7)",
          params.path().empty() ? "model.params" : params.path());
      warned = true;
    }
  }
  o.deconv_mode = p.getString("deconv_mode");
  o.bottleneck = p.getBool("bottleneck");
  return o;
}

MorphAEusOptions morphaeusOptions(const ConfigNode& params) {
  static const Schema schema = morphaeusSchema();
  const TypedParams p(schema, params);
  MorphAEusOptions o;
  o.autoencoder = autoencoderOptions(params);
  o.inshape = params.at("inshape").asIntList();
  o.nr_ref_channels = p.getInt("nr_ref_channels");
  o.bidir = p.getBool("bidir");
  o.warp = p.getString("warp") == "grid_sample" ? WarpMode::GridSample : WarpMode::Native;
  return o;
}

std::shared_ptr<torch::nn::Module> buildModel(const ConfigNode& model) {
  const auto& factory =
      Registry::global().requireFactory<ModelFactory>(ComponentKind::Model, model);
  const ConfigNode* params = model.find("params");
  if (params != nullptr && !params->isNull()) return factory(*params);
  return factory(ConfigNode::map(model.where(), model.path() + ".params"));
}

}  // namespace morphaeus
