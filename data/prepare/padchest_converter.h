// A PadChest normal test split for the paper's second task (COVID-19 against PadChest normals):
// from PadChest's labels CSV (PADCHEST_chest_x_ray_images_labels_160K_01.02.19.csv: ImageID,
// ImageDir, Projection, Labels, ...) the images whose Labels are exactly ['normal'] in the chosen
// projection (default PA, the COVID set's view), converted as the COVID-19 Radiography
// Database's images are: 8-bit grey, 299 x 299. The 16-bit PNGs use only part of their range
// (often 12 bits), so each image's own minimum..maximum is stretched linearly to 0..255 before
// an area resize. A seeded sample of `count` of the matches (all of them with count 0), in
// ImageID order, is written to <out>/images/ and listed in <out>/splits/padchest_normal_test.csv.
#pragma once

#include <cstdint>
#include <string>

namespace morphaeus {

struct PadchestOptions {
  std::string labels;             // the labels CSV
  std::string images;             // <images>/<ImageDir>/<ImageID>, or <images>/<ImageID>
  std::string out;                // gets images/ and splits/
  std::string projection = "PA";  // PA, AP, AP_horizontal, L, COSTAL, or "any"
  int count = 0;                  // 0: every match
  uint64_t seed = 2023;           // of the sample
  int size = 299;
};

struct PadchestSummary {
  int listed = 0, matched = 0, written = 0, missing = 0;
  std::string split;  // the CSV written
};

// Throws DataError naming the file (and CSV line) for bad input.
PadchestSummary convertPadchest(const PadchestOptions& options);

// Whether a Labels field says exactly "normal": ['normal'], "['normal']", [normal], normal.
bool padchestLabelsAreNormal(const std::string& labels);

}  // namespace morphaeus
