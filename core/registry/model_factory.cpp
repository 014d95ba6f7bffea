#include "core/registry/model_factory.h"

#include <spdlog/spdlog.h>

#include "core/registry/registry.h"

namespace morphaeus {

AutoencoderOptions autoencoderOptions(const ConfigNode& p) {
  AutoencoderOptions o;
  o.in_channels = p.getInt("in_channels", 1);
  o.channels = p.at("channels").asIntList();
  o.strides = p.at("strides").asIntList();
  o.out_ch = p.getInt("out_ch", 1);
  o.kernel_size = p.getInt("kernel_size", 3);
  o.norm = p.getString("norm", "batch");
  o.act = p.getString("act", "leakyrelu");
  if (o.act == "leakyrelu") {
    static bool warned = false;  // once per process
    if (!warned) {
      spdlog::warn(
          "{}: act: leakyrelu is upstream's nn.LeakyReLU(True), i.e. negative slope 1.0 (the "
          "identity); "
          "reproduced as is for faithful numbers (METHOD.md section 7)",
          p.path().empty() ? "model.params" : p.path());
      warned = true;
    }
  }
  o.deconv_mode = p.getString("deconv_mode", "stride");
  o.bottleneck = p.getBool("bottleneck", false);
  return o;
}

MorphAEusOptions morphaeusOptions(const ConfigNode& p) {
  MorphAEusOptions o;
  o.autoencoder = autoencoderOptions(p);
  o.inshape = p.at("inshape").asIntList();
  o.nr_ref_channels = p.getInt("nr_ref_channels", 2);
  o.bidir = p.getBool("bidir", true);
  o.warp = p.getString("warp", "native") == "grid_sample" ? WarpMode::GridSample : WarpMode::Native;
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
