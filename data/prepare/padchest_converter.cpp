#include "data/prepare/padchest_converter.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "data/csv_split.h"
#include "data/data_error.h"
#include "data/io/image_reader.h"

#ifdef MORPHAEUS_HAVE_OPENCV
#include <opencv2/imgproc.hpp>

#include "data/io/atomic_image.h"
#endif

namespace morphaeus {
namespace {
namespace fs = std::filesystem;

struct Listed {
  std::string id, dir;
};

std::string stripped(std::string s) {
  const auto keep = [](char c) { return c != ' ' && c != '\'' && c != '"' && c != '\r'; };
  s.erase(std::remove_if(s.begin(), s.end(), [&](char c) { return !keep(c); }), s.end());
  return s;
}

std::vector<Listed> readMatches(const PadchestOptions& o, PadchestSummary& s) {
  std::ifstream in(o.labels, std::ios::binary);
  if (!in) throw DataError(o.labels + ": cannot open the PadChest labels CSV");
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const auto header = splitCsvFields(line);
  const auto col = [&](const char* name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end())
      throw DataError(o.labels + ":1: no column '" + name +
                      "' (the PadChest labels CSV has "
                      "ImageID, ImageDir, Projection and Labels)");
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t id = col("ImageID"), dir = col("ImageDir"), proj = col("Projection"),
                    labels = col("Labels");
  std::vector<Listed> out;
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto f = splitCsvFields(line);
    if (f.size() != header.size())
      throw DataError(o.labels + ":" + std::to_string(n) + ": " + std::to_string(f.size()) +
                      " fields, the header has " + std::to_string(header.size()));
    ++s.listed;
    if (o.projection != "any" && f[proj] != o.projection) continue;
    if (!padchestLabelsAreNormal(f[labels])) continue;
    if (f[id].empty() || f[id].find('/') != std::string::npos ||
        f[id].find("..") != std::string::npos)
      throw DataError(o.labels + ":" + std::to_string(n) + ": ImageID '" + f[id] +
                      "' is not a file name");
    out.push_back({f[id], f[dir]});
  }
  if (s.listed == 0) throw DataError(o.labels + ": no images listed");
  std::sort(out.begin(), out.end(), [](const Listed& a, const Listed& b) { return a.id < b.id; });
  s.matched = static_cast<int>(out.size());
  return out;
}

// `count` of the matches, chosen by a seeded Fisher-Yates pass (bounded draws by rejection, so
// that every standard library draws the same), back in ImageID order.
std::vector<Listed> sample(std::vector<Listed> all, int count, uint64_t seed) {
  if (count <= 0 || count >= static_cast<int>(all.size())) return all;
  std::mt19937_64 rng(seed);
  const auto below = [&](uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t v;
    do v = rng();
    while (v >= limit);
    return v % n;
  };
  for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
    const std::size_t j = i + static_cast<std::size_t>(below(all.size() - i));
    std::swap(all[i], all[j]);
  }
  all.resize(static_cast<std::size_t>(count));
  std::sort(all.begin(), all.end(), [](const Listed& a, const Listed& b) { return a.id < b.id; });
  return all;
}

}  // namespace

bool padchestLabelsAreNormal(const std::string& labels) {
  const std::string s = stripped(labels);
  return s == "[normal]" || s == "normal";
}

#ifdef MORPHAEUS_HAVE_OPENCV
PadchestSummary convertPadchest(const PadchestOptions& o) {
  if (o.size < 8) throw DataError(o.out + ": --size must be at least 8");
  PadchestSummary s;
  const std::vector<Listed> chosen = sample(readMatches(o, s), o.count, o.seed);
  const fs::path root = fs::absolute(o.out).lexically_normal();
  fs::create_directories(root / "images");
  fs::create_directories(root / "splits");
  std::vector<std::string> written;
  for (const Listed& e : chosen) {
    fs::path src = fs::path(o.images) / e.dir / e.id;
    if (!fs::exists(src)) src = fs::path(o.images) / e.id;
    if (!fs::exists(src)) {
      ++s.missing;
      continue;
    }
    const torch::Tensor px = readImage(src.string()).pixels;
    const float lo = px.min().item<float>(), hi = px.max().item<float>();
    const int h = static_cast<int>(px.size(0)), w = static_cast<int>(px.size(1));
    cv::Mat img(h, w, CV_8UC1);
    const float* p = px.data_ptr<float>();
    const float scale = hi > lo ? 255.0f / (hi - lo) : 0.0f;
    for (int i = 0; i < h * w; ++i)
      img.data[i] =
          static_cast<uint8_t>(std::lround(std::clamp((p[i] - lo) * scale, 0.0f, 255.0f)));
    cv::resize(img, img, cv::Size(o.size, o.size), 0, 0, cv::INTER_AREA);
    const std::string path = (root / "images" / (fs::path(e.id).stem().string() + ".png")).string();
    writeImageAtomic(path, img);
    written.push_back(path);
  }
  if (written.empty())
    throw DataError(
        o.images + ": none of the " + std::to_string(chosen.size()) +
        " chosen images found (as <images>/<ImageDir>/<ImageID> or <images>/<ImageID>)");
  s.written = static_cast<int>(written.size());
  s.split = (root / "splits" / "padchest_normal_test.csv").string();
  writeSplitCsv(s.split, written);
  return s;
}
#else
PadchestSummary convertPadchest(const PadchestOptions& o) {
  throw DataError(o.out + ": this build cannot write PNGs (built without OpenCV)");
}
#endif

}  // namespace morphaeus
