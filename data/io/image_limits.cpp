#include "data/io/image_limits.h"

#include "data/data_error.h"

namespace morphaeus {
namespace {

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
         p[3];
}
std::uint32_t be16(const unsigned char* p) {
  return (std::uint32_t(p[0]) << 8) | p[1];
}

std::optional<HeaderSize> pngSize(const unsigned char* b, std::size_t n) {
  static const unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (n < 24) return std::nullopt;
  for (int i = 0; i < 8; ++i)
    if (b[i] != kSignature[i]) return std::nullopt;
  if (b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') return std::nullopt;
  return HeaderSize{be32(b + 20), be32(b + 16)};  // width first, then height
}

// Walks the marker segments after SOI up to the first start-of-frame (SOF0..SOF15 but DHT, JPG
// and DAC, which share the range): precision (1 byte), height, width.
std::optional<HeaderSize> jpegSize(const unsigned char* b, std::size_t n) {
  if (n < 4 || b[0] != 0xFF || b[1] != 0xD8) return std::nullopt;
  std::size_t i = 2;
  while (i + 1 < n) {
    if (b[i] != 0xFF) return std::nullopt;
    const unsigned char marker = b[i + 1];
    if (marker == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    i += 2;
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) continue;  // no length
    if (marker == 0xD9 || marker == 0xDA || i + 2 > n) return std::nullopt;
    const std::size_t length = be16(b + i);
    const bool sof =
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (length < 7 || i + 7 > n) return std::nullopt;
      return HeaderSize{be16(b + i + 3), be16(b + i + 5)};
    }
    if (length < 2) return std::nullopt;
    i += length;
  }
  return std::nullopt;
}

}  // namespace

void checkImageSize(const std::string& path, const char* format, std::int64_t rows,
                    std::int64_t cols, std::int64_t channels) {
  const bool sides = rows >= 1 && cols >= 1 && rows <= kMaxImageSide && cols <= kMaxImageSide;
  if (sides && channels >= 1 && channels <= 4 && rows * cols * channels <= kMaxImagePixels) return;
  throw DataError(path + ": the " + format + " header announces " + std::to_string(rows) + "x" +
                  std::to_string(cols) + " pixels x " + std::to_string(channels) +
                  " channel(s); refused before decoding (at most " + std::to_string(kMaxImageSide) +
                  " per side and " + std::to_string(kMaxImagePixels) + " values)");
}

std::optional<HeaderSize> pngJpegHeaderSize(const unsigned char* bytes, std::size_t n) {
  if (auto png = pngSize(bytes, n)) return png;
  return jpegSize(bytes, n);
}

}  // namespace morphaeus
