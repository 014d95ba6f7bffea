#include "data/io/npy_writer.h"

#include "core/base/atomic_file.h"

namespace morphaeus {

void writeNpy(const std::string& path, const torch::Tensor& array) {
  static_assert(sizeof(float) == 4, "float32 expected");
  const auto a = array.detach().to(torch::kCPU, torch::kFloat).contiguous();
  std::string shape = "(";
  for (int64_t d = 0; d < a.dim(); ++d)
    shape += std::to_string(a.size(d)) + (a.dim() == 1 || d + 1 < a.dim() ? ", " : "");
  shape += ")";
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  // Magic (6) + version (2) + length (2) + header + '\n' is a multiple of 64 bytes.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  writeFileAtomic(path, [&](std::ostream& out) {
    out.write("\x93NUMPY\x01\x00", 8);
    const auto len = static_cast<uint16_t>(header.size());
    const char len_bytes[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
    out.write(len_bytes, 2);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(reinterpret_cast<const char*>(a.data_ptr<float>()),
              static_cast<std::streamsize>(a.numel() * 4));
  });
}

}  // namespace morphaeus
