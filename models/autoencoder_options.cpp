#include "models/autoencoder_options.h"

#include <stdexcept>

namespace morphaeus {

void AutoencoderOptions::validate() const {
  if (channels.empty()) throw std::invalid_argument("channels: at least one block is needed");
  if (strides.size() != channels.size() && strides.size() != channels.size() + 1) {
    throw std::invalid_argument(
        "strides: expected one stride per channel entry (" + std::to_string(channels.size()) +
        "), or one more (the last channel count repeated), got " + std::to_string(strides.size()));
  }
  for (auto s : strides)
    if (s < 1) throw std::invalid_argument("strides: every stride must be at least 1");
  for (auto c : channels)
    if (c < 1) throw std::invalid_argument("channels: every entry must be at least 1");
  if (kernel_size < 1 || kernel_size % 2 == 0) {
    throw std::invalid_argument("kernel_size: must be odd and positive");
  }
  if (deconv_mode != "stride" && deconv_mode != "trans") {
    throw std::invalid_argument("deconv_mode: \"" + deconv_mode +
                                "\" is not supported (stride or trans; upstream's \"upsample\" "
                                "encoder returns max-pool indices into its Sequential and fails)");
  }
}

std::vector<int64_t> AutoencoderOptions::encoderChannels() const {
  std::vector<int64_t> out = channels;
  out.push_back(channels.back());
  out.resize(strides.size());
  return out;
}

std::vector<int64_t> AutoencoderOptions::decoderChannels() const {
  std::vector<int64_t> out(channels.rbegin(), channels.rend());
  out.push_back(channels.front());
  out.resize(strides.size());
  return out;
}

}  // namespace morphaeus
