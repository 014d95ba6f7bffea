// Pillow's bilinear resize of 8-bit images (Image.resize(size, BILINEAR), Pillow 9.x), reproduced
// exactly: an antialiasing triangle filter whose support grows with the downscaling factor,
// coefficients in 22-bit fixed point, horizontal pass then vertical pass, each rounded and
// clipped to 8 bits. torchvision's Resize on a PIL image (upstream's evaluation path) calls it.
#pragma once

#include <cstdint>
#include <vector>

namespace morphaeus {

// `in` is row-major in_h x in_w; returns row-major out_h x out_w.
std::vector<std::uint8_t> pilResizeBilinear(const std::uint8_t* in, int in_w, int in_h, int out_w,
                                            int out_h);

}  // namespace morphaeus
