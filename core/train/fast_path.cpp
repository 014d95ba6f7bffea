#include "core/train/fast_path.h"

#include <torch/torch.h>

#include "core/config/config_node.h"

namespace morphaeus {

FastPathOptions fastPathOptions(const ConfigNode& params) {
  FastPathOptions o;
  if (!params.has("performance")) return o;
  const ConfigNode& p = params.at("performance");
  const std::string precision = p.getString("precision", "fp32");
  if (precision == "bf16") {
    o.autocast = c10::ScalarType::BFloat16;
  } else if (precision == "fp64") {
    o.float64 = true;
  } else if (precision != "fp32") {
    throw p.at("precision").error("precision must be fp32, bf16 or fp64, got '" + precision + "'");
  }
  o.channels_last = p.getBool("channels_last", false);
  o.cuda_graph = p.getBool("cuda_graph", false);
  o.loss_readback_every = p.getInt("loss_readback_every", 1);
  if (o.loss_readback_every < 1) {
    throw p.at("loss_readback_every").error("loss_readback_every must be >= 1");
  }
  return o;
}

void toChannelsLast(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  auto convert = [](torch::Tensor& t) {
    if (t.defined() && t.dim() == 4) t.set_data(t.contiguous(at::MemoryFormat::ChannelsLast));
  };
  for (auto& p : module.parameters()) convert(p);
  for (auto& b : module.buffers()) convert(b);
}

}  // namespace morphaeus
