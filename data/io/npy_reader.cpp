// NumPy .npy files (format versions 1-3; bool, (u)int8/16/32/64, float16/32/64; C or Fortran
// order; little-endian). 2-D arrays, or 3-D with upstream's channel rule: (H, W, C) when the
// first two sizes match and the third differs, else (C, H, W); the first channel is used.
#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>
#include <vector>

#include "data/data_error.h"
#include "data/io/image_limits.h"
#include "data/io/image_reader.h"

namespace morphaeus {
namespace {

torch::ScalarType dtypeOf(const std::string& descr, const std::string& path) {
  static const std::vector<std::pair<std::string, torch::ScalarType>> kTypes = {
      {"|b1", torch::kBool},  {"|u1", torch::kUInt8}, {"|i1", torch::kInt8},
      {"<i2", torch::kInt16}, {"<i4", torch::kInt32}, {"<i8", torch::kInt64},
      {"<f2", torch::kHalf},  {"<f4", torch::kFloat}, {"<f8", torch::kDouble}};
  for (const auto& [d, t] : kTypes)
    if (d == descr) return t;
  if (descr == "<u2") return torch::kInt32;  // widened while reading (no uint16 tensors in 1.13)
  throw DataError(path + ": unsupported .npy dtype " + descr);
}

}  // namespace

namespace {

// What a .npy header says: the dtype, the order, the shape, and where the data starts.
struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<int64_t> shape;
  std::size_t data_offset = 0;
};

NpyHeader parseNpyHeader(const std::vector<char>& b, const std::string& path) {
  if (b.size() < 10 || std::memcmp(b.data(), "\x93NUMPY", 6) != 0)
    throw DataError(path + ": not a .npy file");
  const int major = static_cast<unsigned char>(b[6]);
  std::size_t header_len, offset;
  if (major == 1) {
    header_len = static_cast<unsigned char>(b[8]) | (static_cast<unsigned char>(b[9]) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (b.size() < 12) throw DataError(path + ": truncated .npy header");
    uint32_t n;
    std::memcpy(&n, b.data() + 8, 4);
    header_len = n;
    offset = 12;
  } else {
    throw DataError(path + ": unsupported .npy version " + std::to_string(major));
  }
  if (header_len > b.size() - offset) throw DataError(path + ": truncated .npy header");
  const std::string header(b.data() + offset, header_len);

  std::smatch m;
  static const std::regex kDescr("'descr'\\s*:\\s*'([^']+)'");
  static const std::regex kOrder("'fortran_order'\\s*:\\s*(True|False)");
  static const std::regex kShape("'shape'\\s*:\\s*\\(([^)]*)\\)");
  NpyHeader h;
  std::string order, shape_text;
  if (std::regex_search(header, m, kDescr)) h.descr = m[1];
  if (std::regex_search(header, m, kOrder)) order = m[1];
  if (std::regex_search(header, m, kShape)) shape_text = m[1];
  if (h.descr.empty() || order.empty()) throw DataError(path + ": malformed .npy header");
  h.fortran_order = order == "True";
  static const std::regex kNum("\\d+");
  for (auto it = std::sregex_iterator(shape_text.begin(), shape_text.end(), kNum);
       it != std::sregex_iterator(); ++it) {
    const std::string digits = it->str();
    if (digits.size() > 9) throw DataError(path + ": implausible .npy shape");
    h.shape.push_back(std::stoll(digits));
  }
  h.data_offset = offset + header_len;
  return h;
}

// A 2-D image, or 3-D with at most 4 channels by the channel rule, of a known dtype, within the
// image limits; checked before any data is read. Its element type.
torch::ScalarType checkNpyArray(const NpyHeader& h, const std::string& path) {
  const std::vector<int64_t>& shape = h.shape;
  if (shape.size() != 2 && shape.size() != 3) {
    throw DataError(path + ": expected a 2-D or 3-D array, got " + std::to_string(shape.size()) +
                    "-D");
  }
  const torch::ScalarType type = dtypeOf(h.descr, path);
  const bool hwc = shape.size() == 3 && shape[0] == shape[1] && shape[0] != shape[2];
  const int64_t planes = shape.size() == 3 ? (hwc ? shape[2] : shape[0]) : 1;
  if (planes < 1 || planes > 4) {
    throw DataError(path + ": the .npy shape has " + std::to_string(planes) +
                    " channels (at most 4)");
  }
  checkImageSize(path, ".npy", shape.size() == 3 && !hwc ? shape[1] : shape[0],
                 shape.size() == 3 && !hwc ? shape[2] : shape[1], planes);
  return type;
}

// The array's values in file order, flat (uint16, which LibTorch 1.13 lacks, widened to int32).
torch::Tensor npyValues(const std::vector<char>& b, const NpyHeader& h, torch::ScalarType type,
                        const std::string& path) {
  const bool u16 = h.descr == "<u2";
  int64_t numel = 1;
  for (auto s : h.shape) numel *= s;
  const std::size_t item = u16 ? 2 : torch::elementSize(type);
  if (static_cast<std::size_t>(numel) * item > b.size() - h.data_offset)
    throw DataError(path + ": truncated .npy data");
  if (u16) {
    std::vector<int32_t> wide(static_cast<std::size_t>(numel));
    for (int64_t i = 0; i < numel; ++i) {
      uint16_t v;
      std::memcpy(&v, b.data() + h.data_offset + 2 * i, 2);
      wide[static_cast<std::size_t>(i)] = v;
    }
    return torch::from_blob(wide.data(), {numel}, torch::kInt32).clone();
  }
  torch::Tensor t = torch::empty({numel}, type);
  std::memcpy(t.data_ptr(), b.data() + h.data_offset, static_cast<std::size_t>(numel) * item);
  return t;
}

}  // namespace

LoadedImage readNpy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot open");
  const std::vector<char> b(std::istreambuf_iterator<char>(in), {});
  const NpyHeader h = parseNpyHeader(b, path);
  const torch::ScalarType type = checkNpyArray(h, path);
  torch::Tensor t = npyValues(b, h, type, path);
  const std::vector<int64_t>& shape = h.shape;
  if (h.fortran_order) {  // Fortran order: reverse the axes, then transpose back
    std::vector<int64_t> rev(shape.rbegin(), shape.rend());
    std::vector<int64_t> perm;
    for (int64_t i = static_cast<int64_t>(shape.size()) - 1; i >= 0; --i) perm.push_back(i);
    t = t.view(rev).permute(perm);
  } else {
    t = t.view(shape);
  }
  if (t.dim() == 3) {
    if (t.size(0) == t.size(1) && t.size(0) != t.size(2)) t = t.permute({2, 0, 1});
    t = t.select(0, 0);
  }
  // Upstream divides by 255 whatever the dtype (To01 after torch.tensor(np.load(path))).
  return LoadedImage{(t.to(torch::kFloat) / 255.0f).contiguous(), 8};
}

}  // namespace morphaeus
