#include "core/components/core_components.h"
#include "core/registry.h"

namespace morphaeus {
namespace {

// Parameters shared by the encoder/decoder family (upstream convolutional_autoencoders.py).
void addAutoencoderParams(Schema& p) {
  p.integer("in_channels").atLeast(1).require();
  p.list("channels", ValueType::Int).require().describe("encoder channels per block");
  p.list("strides", ValueType::Int).require().describe("one stride per block");
  p.integer("out_ch").atLeast(1).require();
  p.integer("kernel_size").atLeast(1).describe("default 3");
  p.enumeration("norm", {"batch", "instance", "none"}).describe("default batch");
  p.enumeration("act", {"swish", "leakyrelu", "relu", "prelu", "sigmoid", "tanh"})
      .describe("default leakyrelu (upstream: slope 1.0, i.e. identity)");
  p.enumeration("deconv_mode", {"stride", "upsample", "trans"}).describe("default upsample");
  p.enumeration("act_final", {"sigmoid", "tanh", "none"}).describe("default sigmoid");
  p.boolean("bottleneck").describe("default false");
  p.boolean("skip").describe("default false");
}

}  // namespace

void registerModels(Registry& registry) {
  ComponentSpec morph;
  morph.kind = ComponentKind::Model;
  morph.name = {"model_zoo.morphaeus", "MorphAEus"};
  morph.summary = "deformable autoencoder: global prior + local deformation (Bercea et al. 2023)";
  addAutoencoderParams(morph.params);
  morph.params.list("inshape", ValueType::Int).ofLength(2).require().describe("(rows, cols)");
  morph.params.integer("nr_ref_channels").atLeast(1).describe("refinement levels, default 2");
  morph.params.boolean("bidir").describe("bidirectional morphology loss, default true");
  morph.params.enumeration("warp", {"native", "grid_sample"})
      .describe("warp implementation: fused kernel (default) or F::grid_sample reference");
  registry.add(std::move(morph));
}

}  // namespace morphaeus
