// Converts the RSNA Pneumonia Detection Challenge files (stage_2_train_images/*.dcm and
// stage_2_train_labels.csv: patientId,x,y,width,height,Target) into our layout: 8-bit PNGs,
// box masks (union of a patient's pneumonia boxes) and split CSVs, so that pixel-level
// evaluation is possible on RSNA.
#pragma once

#include <string>
#include <vector>

namespace morphaeus {

struct RsnaOptions {
  std::string dicom_dir;  // folder with <patientId>.dcm
  std::string labels;     // stage_2_train_labels.csv
  std::string out;        // gets images/, masks/, splits/
  int size = 0;           // resize to size x size (0 = keep 1024x1024)
};

struct RsnaSummary {
  int normal = 0, pneumonia = 0, missing = 0;
};

// Throws DataError naming the file (and CSV line) for bad input.
RsnaSummary convertRsna(const RsnaOptions& options);

// Checks that every image of the given split CSVs exists under data_root; returns the missing
// paths (at most `max_report` of them are kept, `missing_count` counts all).
struct SplitCheck {
  std::size_t listed = 0, missing_count = 0;
  std::vector<std::string> missing;
};
SplitCheck checkSplits(const std::vector<std::string>& csvs, const std::string& data_root,
                       std::size_t max_report = 10);

}  // namespace morphaeus
