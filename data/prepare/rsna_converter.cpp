#include "data/prepare/rsna_converter.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

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

struct Box {
  double x, y, w, h;
};

struct Patient {
  bool pneumonia = false;
  std::vector<Box> boxes;
};

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back().push_back(c);
    }
  }
  return out;
}

std::map<std::string, Patient> readLabels(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw DataError(path + ": cannot open the labels CSV");
  std::string line;
  std::getline(in, line);
  const auto header = fields(line);
  const std::vector<std::string> want = {"patientId", "x", "y", "width", "height", "Target"};
  if (header.size() < want.size() || !std::equal(want.begin(), want.end(), header.begin())) {
    throw DataError(path + ":1: expected the header patientId,x,y,width,height,Target");
  }
  std::map<std::string, Patient> patients;
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    if (line.empty() || line == "\r") continue;
    const auto f = fields(line);
    if (f.size() < 6 || f[0].empty()) throw DataError(path + ":" + std::to_string(n) + ": malformed row");
    Patient& p = patients[f[0]];
    if (f[5] == "1") {
      p.pneumonia = true;
      try {
        p.boxes.push_back(Box{std::stod(f[1]), std::stod(f[2]), std::stod(f[3]), std::stod(f[4])});
      } catch (const std::exception&) {
        throw DataError(path + ":" + std::to_string(n) + ": box coordinates are not numbers");
      }
    } else if (f[5] != "0") {
      throw DataError(path + ":" + std::to_string(n) + ": Target must be 0 or 1");
    }
  }
  if (patients.empty()) throw DataError(path + ": no patients listed");
  return patients;
}

}  // namespace

SplitCheck checkSplits(const std::vector<std::string>& csvs, const std::string& data_root,
                       std::size_t max_report) {
  SplitCheck c;
  for (const auto& csv : csvs) {
    for (const auto& e : readSplitCsv(csv, data_root)) {
      ++c.listed;
      std::error_code ec;
      if (!fs::is_regular_file(e.path, ec)) {
        ++c.missing_count;
        if (c.missing.size() < max_report) c.missing.push_back(e.where() + ": " + e.path);
      }
    }
  }
  return c;
}

#ifdef MORPHAEUS_HAVE_OPENCV
RsnaSummary convertRsna(const RsnaOptions& o) {
  const auto patients = readLabels(o.labels);
  const fs::path root = fs::absolute(o.out).lexically_normal();
  for (const char* sub : {"images", "masks", "splits"}) fs::create_directories(root / sub);
  RsnaSummary s;
  std::vector<std::string> normal, pneumonia, normal_masks, pneumonia_masks;
  for (const auto& [id, patient] : patients) {
    const fs::path dcm = fs::path(o.dicom_dir) / (id + ".dcm");
    if (!fs::exists(dcm)) {
      ++s.missing;
      continue;
    }
    const torch::Tensor px = readImage(dcm.string()).pixels;
    const int h = static_cast<int>(px.size(0)), w = static_cast<int>(px.size(1));
    cv::Mat img(h, w, CV_8UC1), mask(h, w, CV_8UC1, cv::Scalar(0));
    const float* p = px.data_ptr<float>();
    for (int i = 0; i < h * w; ++i) img.data[i] = static_cast<uint8_t>(std::lround(std::clamp(p[i], 0.0f, 1.0f) * 255.0f));
    for (const Box& b : patient.boxes) {
      const int x0 = std::max(0, static_cast<int>(std::floor(b.x))), y0 = std::max(0, static_cast<int>(std::floor(b.y)));
      const int x1 = std::min(w, static_cast<int>(std::ceil(b.x + b.w))), y1 = std::min(h, static_cast<int>(std::ceil(b.y + b.h)));
      if (x1 > x0 && y1 > y0) mask(cv::Rect(x0, y0, x1 - x0, y1 - y0)).setTo(255);
    }
    if (o.size > 0) {
      cv::resize(img, img, cv::Size(o.size, o.size), 0, 0, cv::INTER_AREA);
      cv::resize(mask, mask, cv::Size(o.size, o.size), 0, 0, cv::INTER_NEAREST);
    }
    const std::string image_path = (root / "images" / (id + ".png")).string();
    const std::string mask_path = (root / "masks" / (id + ".png")).string();
    writeImageAtomic(image_path, img);
    writeImageAtomic(mask_path, mask);
    (patient.pneumonia ? pneumonia : normal).push_back(image_path);
    (patient.pneumonia ? pneumonia_masks : normal_masks).push_back(mask_path);
    ++(patient.pneumonia ? s.pneumonia : s.normal);
  }
  writeSplitCsv((root / "splits" / "rsna_normal.csv").string(), normal);
  writeSplitCsv((root / "splits" / "rsna_normal_masks.csv").string(), normal_masks);
  writeSplitCsv((root / "splits" / "rsna_pneumonia.csv").string(), pneumonia);
  writeSplitCsv((root / "splits" / "rsna_pneumonia_masks.csv").string(), pneumonia_masks);
  return s;
}
#else
RsnaSummary convertRsna(const RsnaOptions& o) {
  throw DataError(o.out + ": this build cannot write PNGs (built without OpenCV)");
}
#endif

}  // namespace morphaeus
