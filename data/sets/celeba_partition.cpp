#include "data/sets/celeba_partition.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "data/data_error.h"

namespace morphaeus {

std::string celebaPartitionFile(const std::string& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const char* name : {"list_eval_partition.txt", "list_eval_partition.csv"}) {
    const fs::path p = fs::path(folder) / name;
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return {};
}

std::vector<SplitEntry> readCelebaPartition(const std::string& folder, int partition) {
  namespace fs = std::filesystem;
  const std::string list = celebaPartitionFile(folder);
  if (list.empty()) {
    throw DataError(folder +
                    ": no CelebA partition list (list_eval_partition.txt or .csv) beside "
                    "img_align_celeba/");
  }
  const bool csv = list.size() > 4 && list.compare(list.size() - 4, 4, ".csv") == 0;
  std::ifstream in(list);
  if (!in) throw DataError(list + ": cannot open the CelebA partition list");
  const fs::path images = fs::path(folder) / "img_align_celeba";
  std::vector<SplitEntry> out;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (csv && number == 1 && line.rfind("image_id", 0) == 0) continue;
    if (csv) {
      for (char& c : line)
        if (c == ',') c = ' ';
    }
    std::istringstream fields(line);
    std::string name, extra;
    int p = -1;
    if (!(fields >> name >> p) || (fields >> extra) || p < 0 || p > 2) {
      throw DataError(list + ":" + std::to_string(number) +
                      ": expected \"<image>.jpg <partition 0, 1 or 2>\", got \"" + line + "\"");
    }
    if (p == partition) out.push_back(SplitEntry{(images / name).string(), list, number});
  }
  if (out.empty()) {
    throw DataError(list + ": no image in partition " + std::to_string(partition));
  }
  return out;
}

}  // namespace morphaeus
