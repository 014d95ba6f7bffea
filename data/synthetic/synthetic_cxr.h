// Synthetic chest radiographs: the embedded default data set. "Normal" images with two lung
// fields, mediastinum and heart, ribs, diaphragm domes, varying pose, size, contrast and noise;
// "abnormal" test images with localised opacities (blob-shaped density increases) and the
// ground-truth mask of each. Written as PNGs with split CSVs in the layout of the real data.
// Deterministic for a seed (our own generator: the same images on every platform).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/facts/upstream_seed.h"

namespace morphaeus {

struct SyntheticOptions {
  std::string out;          // folder to fill: images/, masks/, splits/
  int n_train = 400, n_val = 50, n_test = 60, n_abnormal = 60;
  int n_ood = 0;            // images of each out-of-distribution family (synthetic_ood.h)
  int size = 160;           // image side in pixels
  std::uint64_t seed = kUpstreamSeed;
};

struct SyntheticSplits {
  std::string train, val, test, abnormal, abnormal_masks, test_masks;  // CSV paths
};

enum class OodFamily;
// The test split of an out-of-distribution family: <out>/splits/<family>_test.csv.
std::string oodSplit(const std::string& out, OodFamily family);
// The CSV paths generate() writes for `out`.
SyntheticSplits syntheticSplits(const std::string& out);
// True when `out` holds a complete set made with exactly these options.
bool syntheticUpToDate(const SyntheticOptions& options);
// Renders one image (row-major size x size, values in [0, 1]); `mask` (same size, 0/1) receives
// the opacities when `abnormal` is true.
std::vector<float> renderSyntheticCxr(int size, std::uint64_t seed, bool abnormal,
                                      std::vector<float>* mask);
// Writes the data set (needs OpenCV for PNG). Throws DataError naming the file on failure.
SyntheticSplits generateSyntheticCxr(const SyntheticOptions& options);

}  // namespace morphaeus
