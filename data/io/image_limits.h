// Limits on the images a header may announce, checked before any pixel is decoded or allocated:
// a 100-byte PNG or DICOM file can claim 65535 x 65535 pixels (gigabytes once decoded).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace morphaeus {

// Far above any chest X-ray (RSNA 1024x1024, PadChest up to about 4300x4300).
constexpr std::int64_t kMaxImageSide = 16384;
constexpr std::int64_t kMaxImagePixels = std::int64_t(1) << 26;  // 8192 x 8192

// DataError "path: the FORMAT header announces ROWSxCOLS ..." unless 1 <= rows, cols <=
// kMaxImageSide and rows * cols * channels <= kMaxImagePixels.
void checkImageSize(const std::string& path, const char* format, std::int64_t rows,
                    std::int64_t cols, std::int64_t channels = 1);

struct HeaderSize {
  std::int64_t rows = 0, cols = 0;
};
// The size a PNG (IHDR) or JPEG (first SOF marker) header announces; nothing when the bytes are
// neither or the header is cut short (the decoder then reports the file).
std::optional<HeaderSize> pngJpegHeaderSize(const unsigned char* bytes, std::size_t n);

}  // namespace morphaeus
