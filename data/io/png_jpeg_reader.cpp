// PNG and JPEG through OpenCV (8 and 16 bit; grey, RGB or RGBA: the first channel as upstream's
// torchvision read_image gives it, i.e. red; or, for torchvision's Grayscale, PIL's luma).
#include <fstream>
#include <iterator>
#include <vector>

#include "data/data_error.h"
#include "data/io/image_limits.h"
#include "data/io/image_reader.h"
#include "data/io/pil_luma.h"

#ifdef MORPHAEUS_HAVE_OPENCV
#include <opencv2/imgcodecs.hpp>
#endif

namespace morphaeus {

bool canReadPngJpeg() {
#ifdef MORPHAEUS_HAVE_OPENCV
  return true;
#else
  return false;
#endif
}

#ifdef MORPHAEUS_HAVE_OPENCV
namespace {

std::vector<unsigned char> readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot open the image");
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(in), {});
}

// libjpeg fills a truncated JPEG with grey and only warns: insist on the end-of-image marker.
bool jpegComplete(const std::vector<unsigned char>& b) {
  std::size_t n = b.size();
  while (n > 2 && (b[n - 1] == 0 || b[n - 1] == '\n' || b[n - 1] == '\r')) --n;
  return n >= 4 && b[0] == 0xFF && b[1] == 0xD8 && b[n - 2] == 0xFF && b[n - 1] == 0xD9;
}

bool isJpeg(const std::vector<unsigned char>& b) { return b.size() >= 2 && b[0] == 0xFF && b[1] == 0xD8; }

// The decoded image, its header checked against the limits first. `flags`: OpenCV's.
cv::Mat decode(const std::string& path, int flags) {
  const std::vector<unsigned char> bytes = readBytes(path);
  if (bytes.empty()) throw DataError(path + ": empty image file");
  if (isJpeg(bytes) && !jpegComplete(bytes)) throw DataError(path + ": truncated JPEG (no end marker)");
  if (const auto size = pngJpegHeaderSize(bytes.data(), bytes.size())) {
    checkImageSize(path, isJpeg(bytes) ? "JPEG" : "PNG", size->rows, size->cols);
  }
  cv::Mat img;
  try {
    img = cv::imdecode(bytes, flags);
  } catch (const cv::Exception& e) {
    throw DataError(path + ": cannot decode the image (" + e.msg + ")");
  }
  if (img.empty()) throw DataError(path + ": cannot decode the image (corrupt or truncated)");
  if (img.dims != 2) throw DataError(path + ": expected a 2-D image");
  return img;
}

}  // namespace

LoadedImage readPngJpeg(const std::string& path) {
  const cv::Mat img = decode(path, cv::IMREAD_UNCHANGED);
  // OpenCV orders colour channels BGR(A): upstream's first channel (red) is index 2.
  const int channel = img.channels() >= 3 ? 2 : 0;
  const int depth = img.depth();
  if (depth != CV_8U && depth != CV_16U) throw DataError(path + ": only 8- and 16-bit images are read");
  const bool wide = depth == CV_16U;
  const double scale = wide ? 65535.0 : 255.0;
  auto out = torch::empty({img.rows, img.cols}, torch::kFloat);
  float* dst = out.data_ptr<float>();
  const int cn = img.channels();
  for (int r = 0; r < img.rows; ++r) {
    for (int c = 0; c < img.cols; ++c) {
      const double v = wide ? img.ptr<uint16_t>(r)[c * cn + channel] : img.ptr<uint8_t>(r)[c * cn + channel];
      // float32 division, as upstream's uint8 tensor / 255.0 computes it
      dst[r * img.cols + c] = static_cast<float>(v) / static_cast<float>(scale);
    }
  }
  return LoadedImage{out, wide ? 16 : 8};
}

LoadedImage readPngJpegLuma(const std::string& path) {
  // 8-bit RGB as PIL decodes it (no EXIF rotation: PIL's open() applies none).
  const cv::Mat img = decode(path, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
  auto out = torch::empty({img.rows, img.cols}, torch::kFloat);
  float* dst = out.data_ptr<float>();
  for (int r = 0; r < img.rows; ++r) {
    const uint8_t* bgr = img.ptr<uint8_t>(r);
    for (int c = 0; c < img.cols; ++c, bgr += 3) {
      dst[r * img.cols + c] = static_cast<float>(pilLuma(bgr[2], bgr[1], bgr[0])) / 255.0f;
    }
  }
  return LoadedImage{out, 8};
}
#else
LoadedImage readPngJpeg(const std::string& path) {
  throw DataError(path + ": this build has no PNG/JPEG support (built without OpenCV)");
}
LoadedImage readPngJpegLuma(const std::string& path) {
  return readPngJpeg(path);
}
#endif

}  // namespace morphaeus
