#include "data/synthetic/synthetic_cxr.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "data/csv_split.h"
#include "data/data_error.h"
#include "data/synthetic/synthetic_ood.h"
#include "data/synthetic/synthetic_rng.h"

#ifdef MORPHAEUS_HAVE_OPENCV
#include "data/io/atomic_image.h"
#endif

namespace morphaeus {
namespace {

namespace fs = std::filesystem;
constexpr double kPi = 3.14159265358979323846;

using Rng = SyntheticRng;

double smoothstep(double e0, double e1, double x) {
  const double t = std::clamp((x - e0) / (e1 - e0), 0.0, 1.0);
  return t * t * (3 - 2 * t);
}

// Soft inside-ness of an ellipse (1 inside, 0 outside, soft edge of width `soft`).
double ellipse(double x, double y, double cx, double cy, double rx, double ry, double soft) {
  const double d = std::sqrt(((x - cx) / rx) * ((x - cx) / rx) + ((y - cy) / ry) * ((y - cy) / ry));
  return 1.0 - smoothstep(1.0 - soft, 1.0 + soft, d);
}

struct Opacity {
  double cx, cy, rx, ry, angle, strength;
};

}  // namespace

std::vector<float> renderSyntheticCxr(int size, std::uint64_t seed, bool abnormal,
                                      std::vector<float>* mask) {
  Rng rng(seed);
  const double s = size;
  // Pose and anatomy parameters (normalised coordinates in [0, 1]).
  const double tilt = rng.uniform(-0.06, 0.06), shift_x = rng.uniform(-0.04, 0.04);
  const double shift_y = rng.uniform(-0.03, 0.03), scale = rng.uniform(0.9, 1.08);
  const double body_w = rng.uniform(0.40, 0.48) * scale, tissue = rng.uniform(0.45, 0.62);
  const double lung_w = rng.uniform(0.13, 0.17) * scale, lung_h = rng.uniform(0.27, 0.33) * scale;
  const double lung_gap = rng.uniform(0.085, 0.11) * scale, lung_dark = rng.uniform(0.14, 0.26);
  const double heart_r = rng.uniform(0.10, 0.14) * scale, heart_x = rng.uniform(0.03, 0.07);
  const double rib_freq = rng.uniform(16.0, 20.0), rib_contrast = rng.uniform(0.04, 0.09);
  const double dia_l = rng.uniform(0.68, 0.74), dia_r = dia_l + rng.uniform(-0.04, 0.0);
  const double gamma = rng.uniform(0.85, 1.2), noise = rng.uniform(0.01, 0.025);
  const double background = rng.uniform(0.03, 0.1);

  std::vector<Opacity> blobs;
  if (abnormal) {
    const int n = 1 + static_cast<int>(rng.uniform(0.0, 2.999));
    for (int k = 0; k < n; ++k) {
      const bool left = rng.uniform() < 0.5;
      Opacity o;
      o.cx = 0.5 + shift_x + (left ? -1 : 1) * (lung_gap + lung_w * rng.uniform(0.2, 0.8));
      o.cy = 0.45 + shift_y + lung_h * rng.uniform(-0.5, 0.45);
      o.rx = rng.uniform(0.06, 0.12);
      o.ry = o.rx * rng.uniform(0.6, 1.5);
      o.angle = rng.uniform(0, kPi);
      o.strength = rng.uniform(0.3, 0.55);
      blobs.push_back(o);
    }
  }

  std::vector<float> img(static_cast<std::size_t>(size) * size);
  if (mask != nullptr) mask->assign(img.size(), 0.0f);
  const double ct = std::cos(tilt), st = std::sin(tilt);
  for (int r = 0; r < size; ++r) {
    for (int c = 0; c < size; ++c) {
      // Pixel centre in normalised coordinates, rotated about the image centre (pose).
      const double px = (c + 0.5) / s - 0.5, py = (r + 0.5) / s - 0.5;
      const double x = 0.5 + ct * px - st * py - shift_x, y = 0.5 + st * px + ct * py - shift_y;
      // Thorax: soft tissue inside a wide ellipse.
      double v = background + (tissue - background) * ellipse(x, y, 0.5, 0.58, body_w, 0.55, 0.08);
      // Lungs: two dark fields, cut from below by the diaphragm domes.
      double lungs = 0.0;
      for (int side = -1; side <= 1; side += 2) {
        const double cx = 0.5 + side * (lung_gap + lung_w * 0.85);
        double l = ellipse(x, y, cx, 0.45, lung_w, lung_h, 0.12);
        const double dome =
            (side < 0 ? dia_l : dia_r) - 0.06 * std::cos((x - cx) / lung_w * kPi * 0.5);
        l *= 1.0 - smoothstep(dome - 0.015, dome + 0.015, y);
        lungs = std::max(lungs, l);
      }
      // Heart overlaps the lower medial lung (image right = patient's left).
      const double heart = ellipse(x, y, 0.5 + heart_x, 0.62, heart_r * 1.15, heart_r, 0.25);
      lungs *= 1.0 - 0.85 * heart;
      // Mediastinum and spine: a bright central band.
      const double band = 1.0 - smoothstep(0.035, 0.06, std::fabs(x - 0.5));
      v = v * (1.0 - lungs) + lung_dark * lungs;
      v += 0.18 * band * (1.0 - lungs) + 0.12 * heart;
      // Ribs: arcs across the thorax, visible mostly over the lungs.
      const double arc = y + 0.9 * (x - 0.5) * (x - 0.5);
      const double rib = std::pow(0.5 + 0.5 * std::sin(arc * rib_freq * 2 * kPi), 6.0);
      v += rib_contrast * rib * (0.4 + 0.6 * lungs) * ellipse(x, y, 0.5, 0.5, body_w, 0.5, 0.1);
      // Opacities: density increases inside the lungs.
      for (const auto& o : blobs) {
        const double dx = x - o.cx, dy = y - o.cy;
        const double u = std::cos(o.angle) * dx + std::sin(o.angle) * dy;
        const double w = -std::sin(o.angle) * dx + std::cos(o.angle) * dy;
        const double d2 = (u / o.rx) * (u / o.rx) + (w / o.ry) * (w / o.ry);
        const double g = std::exp(-1.5 * d2) * (0.25 + 0.75 * lungs);
        v += o.strength * g;
        if (mask != nullptr && g > 0.3) (*mask)[static_cast<std::size_t>(r) * size + c] = 1.0f;
      }
      img[static_cast<std::size_t>(r) * size + c] = static_cast<float>(v);
    }
  }
  for (auto& p : img) {
    double v = std::clamp(static_cast<double>(p), 0.0, 1.0);
    v = std::pow(v, gamma) + noise * rng.normal();
    p = static_cast<float>(std::clamp(v, 0.0, 1.0));
  }
  return img;
}

std::string oodSplit(const std::string& out, OodFamily family) {
  return (fs::path(out) / "splits" / (oodFamilyName(family) + "_test.csv")).string();
}

SyntheticSplits syntheticSplits(const std::string& out) {
  const fs::path s = fs::path(out) / "splits";
  return {(s / "normal_train.csv").string(),       (s / "normal_val.csv").string(),
          (s / "normal_test.csv").string(),        (s / "opacity_test.csv").string(),
          (s / "opacity_test_masks.csv").string(), (s / "normal_test_masks.csv").string()};
}

namespace {

std::string stamp(const SyntheticOptions& o) {
  std::ostringstream ss;
  ss << "morphaeus synthetic v2 n_train=" << o.n_train << " n_val=" << o.n_val
     << " n_test=" << o.n_test << " n_abnormal=" << o.n_abnormal << " size=" << o.size
     << " seed=" << o.seed;
  if (o.n_ood > 0) ss << " n_ood=" << o.n_ood;  // sets without them keep their stamp
  ss << "\n";
  return ss.str();
}

}  // namespace

bool syntheticUpToDate(const SyntheticOptions& o) {
  std::ifstream in(fs::path(o.out) / "synthetic.stamp");
  std::stringstream ss;
  ss << in.rdbuf();
  return in && ss.str() == stamp(o);
}

#ifdef MORPHAEUS_HAVE_OPENCV
namespace {

void writePng(const std::string& path, const std::vector<float>& pixels, int size) {
  cv::Mat m(size, size, CV_8UC1);
  for (int i = 0; i < size * size; ++i) {
    m.data[i] = static_cast<unsigned char>(std::lround(std::clamp(pixels[i], 0.0f, 1.0f) * 255.0f));
  }
  writeImageAtomic(path, m);
}

}  // namespace

SyntheticSplits generateSyntheticCxr(const SyntheticOptions& o) {
  if (o.size < 16) throw DataError(o.out + ": synthetic images need a size of at least 16");
  const fs::path root = fs::absolute(o.out).lexically_normal();
  std::error_code ec;
  for (const char* sub : {"images", "masks", "splits"}) fs::create_directories(root / sub, ec);
  if (ec) throw DataError(root.string() + ": cannot create the folder (" + ec.message() + ")");
  fs::remove(root / "synthetic.stamp", ec);
  const SyntheticSplits splits = syntheticSplits(root.string());

  // Each image has its own seed (from the set's seed and its name), so sets of different sizes
  // share their first images.
  auto make = [&](const std::string& name, int count, bool abnormal, std::uint64_t salt,
                  const std::string& csv, const std::string& mask_csv) {
    std::vector<std::string> files, masks;
    for (int i = 0; i < count; ++i) {
      char stem[64];
      std::snprintf(stem, sizeof stem, "%s_%05d.png", name.c_str(), i);
      const std::string image = (root / "images" / stem).string();
      std::vector<float> mask;
      const auto pixels =
          renderSyntheticCxr(o.size, o.seed * 1000003ull + salt * 100000ull + i, abnormal, &mask);
      writePng(image, pixels, o.size);
      files.push_back(image);
      if (!mask_csv.empty()) {
        const std::string m = (root / "masks" / stem).string();
        writePng(m, mask, o.size);
        masks.push_back(m);
      }
    }
    writeSplitCsv(csv, files);
    if (!mask_csv.empty()) writeSplitCsv(mask_csv, masks);
  };
  make("normal_train", o.n_train, false, 1, splits.train, "");
  make("normal_val", o.n_val, false, 2, splits.val, "");
  make("normal_test", o.n_test, false, 3, splits.test, splits.test_masks);
  make("opacity_test", o.n_abnormal, true, 4, splits.abnormal, splits.abnormal_masks);
  // Out-of-distribution families (the figures' other "anatomies"): digits and shapes.
  for (const OodFamily family : {OodFamily::Digits, OodFamily::Shapes}) {
    if (o.n_ood <= 0) break;
    std::vector<std::string> files;
    const std::string name = oodFamilyName(family);
    for (int i = 0; i < o.n_ood; ++i) {
      char stem[64];
      std::snprintf(stem, sizeof stem, "%s_%05d.png", name.c_str(), i);
      const std::string image = (root / "images" / stem).string();
      writePng(image, renderOod(family, o.size, o.seed * 1000003ull + 700000ull + i), o.size);
      files.push_back(image);
    }
    writeSplitCsv(oodSplit(root.string(), family), files);
  }
  std::ofstream(root / "synthetic.stamp") << stamp(o);
  return splits;
}
#else
SyntheticSplits generateSyntheticCxr(const SyntheticOptions& o) {
  throw DataError(o.out + ": this build cannot write synthetic PNGs (built without OpenCV)");
}
#endif

}  // namespace morphaeus
