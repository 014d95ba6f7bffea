#include "data/csv_split.h"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/base/atomic_file.h"
#include "data/data_error.h"

namespace morphaeus {
namespace {

namespace fs = std::filesystem;

}  // namespace

std::vector<std::string> splitCsvFields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  return fields;
}

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && (s[start] == ' ' || s[start] == '\t')) ++start;
  return s.substr(start);
}

}  // namespace

std::string SplitEntry::where() const {
  return line > 0 ? source + ":" + std::to_string(line) : source;
}

std::vector<SplitEntry> readSplitCsv(const std::string& csv_path, const std::string& data_root) {
  std::ifstream in(csv_path, std::ios::binary);
  if (!in) throw DataError(csv_path + ": cannot open the split CSV");
  std::string line;
  std::size_t line_no = 0;
  int column = -1;
  std::vector<SplitEntry> out;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line = line.substr(3);  // UTF-8 BOM
    line = trim(line);
    if (line.empty()) continue;
    const std::vector<std::string> fields = splitCsvFields(line);
    if (column < 0) {
      for (std::size_t i = 0; i < fields.size(); ++i)
        if (trim(fields[i]) == "filename") column = static_cast<int>(i);
      if (column < 0) {
        throw DataError(csv_path + ":" + std::to_string(line_no) +
                        ": the header has no `filename` column (got \"" + line + "\")");
      }
      continue;
    }
    if (static_cast<std::size_t>(column) >= fields.size() || trim(fields[column]).empty()) {
      throw DataError(csv_path + ":" + std::to_string(line_no) + ": row has no filename");
    }
    fs::path p(trim(fields[column]));
    if (p.is_relative() && !data_root.empty()) p = fs::path(data_root) / p;
    out.push_back(SplitEntry{p.lexically_normal().string(), csv_path, line_no});
  }
  if (column < 0) throw DataError(csv_path + ": empty file (no header)");
  if (out.empty()) throw DataError(csv_path + ": the split lists no images");
  return out;
}

std::vector<SplitEntry> listFolder(const std::string& folder, const std::string& pattern) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) throw DataError(folder + ": not a folder (and not a .csv split)");
  std::vector<SplitEntry> out;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    if (!e.is_regular_file()) continue;
    const std::string name = e.path().filename().string();
    if (!pattern.empty() && fnmatch(pattern.c_str(), name.c_str(), 0) != 0) continue;
    out.push_back(SplitEntry{e.path().string(), folder, 0});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  if (out.empty()) {
    throw DataError(folder + ": no files match \"" + (pattern.empty() ? "*" : pattern) + "\"");
  }
  return out;
}

void writeSplitCsv(const std::string& csv_path, const std::vector<std::string>& files) {
  writeFileAtomic(csv_path, [&](std::ostream& out) {
    out << "filename\r\n";
    for (const auto& f : files) out << f << "\r\n";
  });
}

std::vector<SplitEntry> readSplit(const std::vector<std::string>& sources, const std::string& pattern,
                                  const std::string& data_root) {
  std::vector<SplitEntry> out;
  for (const auto& s : sources) {
    const bool csv = s.size() >= 4 && s.compare(s.size() - 4, 4, ".csv") == 0;
    auto part = csv ? readSplitCsv(s, data_root) : listFolder(s, pattern);
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

}  // namespace morphaeus
