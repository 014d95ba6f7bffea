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

LoadedImage readNpy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot open");
  const std::vector<char> b(std::istreambuf_iterator<char>(in), {});
  if (b.size() < 10 || std::memcmp(b.data(), "\x93NUMPY", 6) != 0) throw DataError(path + ": not a .npy file");
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
  offset += header_len;

  std::smatch m;
  static const std::regex kDescr("'descr'\\s*:\\s*'([^']+)'");
  static const std::regex kOrder("'fortran_order'\\s*:\\s*(True|False)");
  static const std::regex kShape("'shape'\\s*:\\s*\\(([^)]*)\\)");
  std::string descr, order, shape_text;
  if (std::regex_search(header, m, kDescr)) descr = m[1];
  if (std::regex_search(header, m, kOrder)) order = m[1];
  if (std::regex_search(header, m, kShape)) shape_text = m[1];
  if (descr.empty() || order.empty()) throw DataError(path + ": malformed .npy header");
  std::vector<int64_t> shape;
  static const std::regex kNum("\\d+");
  for (auto it = std::sregex_iterator(shape_text.begin(), shape_text.end(), kNum); it != std::sregex_iterator(); ++it) {
    const std::string digits = it->str();
    if (digits.size() > 9) throw DataError(path + ": implausible .npy shape");
    shape.push_back(std::stoll(digits));
  }
  if (shape.size() != 2 && shape.size() != 3) {
    throw DataError(path + ": expected a 2-D or 3-D array, got " + std::to_string(shape.size()) + "-D");
  }
  const bool u16 = descr == "<u2";
  const torch::ScalarType type = dtypeOf(descr, path);
  // (rows, cols) of the image the array holds: the channel rule below, checked before reading.
  const bool hwc = shape.size() == 3 && shape[0] == shape[1] && shape[0] != shape[2];
  const int64_t planes = shape.size() == 3 ? (hwc ? shape[2] : shape[0]) : 1;
  if (planes < 1 || planes > 4) {
    throw DataError(path + ": the .npy shape has " + std::to_string(planes) +
                    " channels (at most 4)");
  }
  checkImageSize(path, ".npy", shape.size() == 3 && !hwc ? shape[1] : shape[0],
                 shape.size() == 3 && !hwc ? shape[2] : shape[1], planes);
  int64_t numel = 1;
  for (auto s : shape) numel *= s;
  const std::size_t item = u16 ? 2 : torch::elementSize(type);
  if (static_cast<std::size_t>(numel) * item > b.size() - offset) throw DataError(path + ": truncated .npy data");

  torch::Tensor t;
  if (u16) {
    std::vector<int32_t> wide(static_cast<std::size_t>(numel));
    for (int64_t i = 0; i < numel; ++i) {
      uint16_t v;
      std::memcpy(&v, b.data() + offset + 2 * i, 2);
      wide[static_cast<std::size_t>(i)] = v;
    }
    t = torch::from_blob(wide.data(), {numel}, torch::kInt32).clone();
  } else {
    t = torch::empty({numel}, type);
    std::memcpy(t.data_ptr(), b.data() + offset, static_cast<std::size_t>(numel) * item);
  }
  if (order == "True") {  // Fortran order: reverse the axes, then transpose back
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
