// Split files: CSVs with a `filename` column (the paper's splits use CRLF line endings and paths
// like ./data/CXR/Normal/images/Normal-2591.png), or folders of images matched by a glob.
#pragma once

#include <string>
#include <vector>

namespace morphaeus {

// One image of a split, with where it was listed (for error messages).
struct SplitEntry {
  std::string path;    // resolved image path
  std::string source;  // the CSV file (or folder) that listed it
  std::size_t line = 0;  // 1-based CSV line; 0 for folder entries
  std::string where() const;  // "splits.csv:12" or the folder
};

// Splits one CSV line into fields (RFC 4180: double quotes may enclose commas; "" is a quote).
std::vector<std::string> splitCsvFields(const std::string& line);

// Reads the `filename` column. Relative image paths resolve against `data_root` (when empty:
// the working directory, as upstream). DataError on a missing file, a header without
// `filename`, a row without a value, or no rows at all.
std::vector<SplitEntry> readSplitCsv(const std::string& csv_path, const std::string& data_root);

// Files in `folder` whose names match `pattern` (fnmatch, e.g. "*.png"; empty = all), sorted.
std::vector<SplitEntry> listFolder(const std::string& folder, const std::string& pattern);

// Writes a split CSV (header `filename`, CRLF like the paper's splits) atomically.
void writeSplitCsv(const std::string& csv_path, const std::vector<std::string>& files);

// A split given as upstream does: entries ending in .csv are CSV files, others folders.
std::vector<SplitEntry> readSplit(const std::vector<std::string>& sources, const std::string& pattern,
                                  const std::string& data_root);

}  // namespace morphaeus
