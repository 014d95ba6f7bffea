// Plain options of the encoder/decoder family (upstream convolutional_autoencoders.py).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace morphaeus {

struct AutoencoderOptions {
  int64_t in_channels = 1;
  std::vector<int64_t> channels;  // encoder channels per block
  std::vector<int64_t> strides;   // one per block: as many as channels, or one more
  int64_t out_ch = 1;
  int64_t kernel_size = 3;
  std::string norm = "batch";          // "batch" adds BatchNorm2d; anything else none (upstream)
  std::string act = "leakyrelu";       // see activation.h
  /// the decoder's upsampling (upstream's key and values): "stride" = x stride upsample + conv,
  /// "trans" = ConvTranspose2d. MorphAEus' deformer always uses ConvTranspose2d, as upstream's.
  std::string deconv_mode = "stride";
  bool bottleneck = false;             // decoder skips its first block

  // Throws std::invalid_argument naming the offending option.
  void validate() const;
  // Upstream zips channels + [channels[-1]] with strides (encoder) and reversed(channels) +
  // [channels[0]] with reversed strides (decoder): one output channel count per block.
  std::vector<int64_t> encoderChannels() const;
  std::vector<int64_t> decoderChannels() const;
};

}  // namespace morphaeus
