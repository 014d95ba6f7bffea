#include "data/synthetic/synthetic_ood.h"

#include "data/data_error.h"
#include "data/synthetic/synthetic_rng.h"

#ifdef MORPHAEUS_HAVE_OPENCV
#include <opencv2/imgproc.hpp>
#endif

namespace morphaeus {

std::string oodFamilyName(OodFamily family) {
  return family == OodFamily::Digits ? "digits" : "shapes";
}

#ifdef MORPHAEUS_HAVE_OPENCV
namespace {

cv::Mat digit(int size, SyntheticRng& rng) {
  static const int kFonts[] = {cv::FONT_HERSHEY_SIMPLEX, cv::FONT_HERSHEY_DUPLEX,
                               cv::FONT_HERSHEY_COMPLEX, cv::FONT_HERSHEY_TRIPLEX,
                               cv::FONT_HERSHEY_SCRIPT_SIMPLEX};
  cv::Mat img(size, size, CV_32FC1, cv::Scalar(0));
  const std::string text(1, static_cast<char>('0' + rng.below(10)));
  const int font = kFonts[rng.below(5)];
  const int thickness = std::max(1, static_cast<int>(size * rng.uniform(0.05, 0.1)));
  int baseline = 0;
  const cv::Size unit = cv::getTextSize(text, font, 1.0, thickness, &baseline);
  const double scale = size * rng.uniform(0.5, 0.75) / std::max(1, unit.height);
  const cv::Size box = cv::getTextSize(text, font, scale, thickness, &baseline);
  const int x = static_cast<int>((size - box.width) * rng.uniform(0.2, 0.8));
  const int y = static_cast<int>(box.height + (size - box.height) * rng.uniform(0.2, 0.8));
  cv::putText(img, text, cv::Point(x, y), font, scale, cv::Scalar(rng.uniform(0.8, 1.0)), thickness,
              cv::LINE_AA);
  cv::GaussianBlur(img, img, cv::Size(3, 3), size / 96.0 + 0.3);
  return img;
}

cv::Mat shapes(int size, SyntheticRng& rng) {
  cv::Mat img(size, size, CV_32FC1);
  const double a = rng.uniform(0.1, 0.5), gx = rng.uniform(-0.3, 0.3), gy = rng.uniform(-0.3, 0.3);
  for (int r = 0; r < size; ++r)
    for (int c = 0; c < size; ++c)
      img.at<float>(r, c) = static_cast<float>(a + gx * c / size + gy * r / size);
  const int n = 2 + rng.below(4);
  for (int k = 0; k < n; ++k) {
    const cv::Scalar grey(rng.uniform(0.0, 1.0));
    const cv::Point centre(static_cast<int>(rng.uniform(0.15, 0.85) * size),
                           static_cast<int>(rng.uniform(0.15, 0.85) * size));
    const int r1 = static_cast<int>(rng.uniform(0.08, 0.3) * size);
    const int r2 = static_cast<int>(rng.uniform(0.08, 0.3) * size);
    switch (rng.below(3)) {
      case 0:
        cv::ellipse(img, centre, cv::Size(r1, r2), rng.uniform(0, 180), 0, 360, grey, cv::FILLED,
                    cv::LINE_AA);
        break;
      case 1:
        cv::rectangle(img, cv::Point(centre.x - r1, centre.y - r2),
                      cv::Point(centre.x + r1, centre.y + r2), grey, cv::FILLED, cv::LINE_AA);
        break;
      default: {
        std::vector<cv::Point> tri;
        for (int v = 0; v < 3; ++v) {
          const double angle = rng.uniform(0, 6.283185307179586);
          tri.emplace_back(centre.x + static_cast<int>(r1 * std::cos(angle)),
                           centre.y + static_cast<int>(r1 * std::sin(angle)));
        }
        cv::fillConvexPoly(img, tri, grey, cv::LINE_AA);
      }
    }
  }
  const double noise = rng.uniform(0.01, 0.04);
  for (int r = 0; r < size; ++r)
    for (int c = 0; c < size; ++c) img.at<float>(r, c) += static_cast<float>(noise * rng.normal());
  return img;
}

}  // namespace

std::vector<float> renderOod(OodFamily family, int size, std::uint64_t seed) {
  SyntheticRng rng(seed);
  const cv::Mat img = family == OodFamily::Digits ? digit(size, rng) : shapes(size, rng);
  std::vector<float> out(static_cast<std::size_t>(size) * size);
  for (int r = 0; r < size; ++r)
    for (int c = 0; c < size; ++c)
      out[static_cast<std::size_t>(r) * size + c] = std::clamp(img.at<float>(r, c), 0.0f, 1.0f);
  return out;
}
#else
std::vector<float> renderOod(OodFamily family, int, std::uint64_t) {
  throw DataError("the synthetic " + oodFamilyName(family) +
                  " images need OpenCV (this build has none)");
}
#endif

}  // namespace morphaeus
