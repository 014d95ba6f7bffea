// Out-of-distribution images for the paper's figures on the embedded data (no download): what an
// autoencoder trained on the synthetic chest X-rays should not reconstruct, yet may.
// - Digits: one digit drawn with one of OpenCV's Hershey fonts, light on black, blurred a little,
//   placed and sized at random (an MNIST stand-in).
// - Shapes: a few filled ellipses, rectangles and triangles of random grey levels over a
//   gradient background with noise (a stand-in for natural-image objects).
// Deterministic for a seed; values in [0, 1], row-major size x size.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace morphaeus {

enum class OodFamily { Digits, Shapes };

std::string oodFamilyName(OodFamily family);  // "digits", "shapes"

// Needs OpenCV (DataError without it).
std::vector<float> renderOod(OodFamily family, int size, std::uint64_t seed);

}  // namespace morphaeus
