// PIL's RGB -> "L" conversion (ITU-R 601-2 luma in 16-bit fixed point, rounded), which
// torchvision's Grayscale applies to a PIL image: L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16.
#pragma once

#include <cstdint>

namespace morphaeus {

constexpr std::uint8_t pilLuma(std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  return static_cast<std::uint8_t>((19595u * r + 38470u * g + 7471u * b + 0x8000u) >> 16);
}

}  // namespace morphaeus
