// NIfTI-1 images (.nii, .nii.gz) the way upstream's ReadImage (transforms/preprocessing.py) reads
// them with nibabel: the voxel values scaled by scl_slope/scl_inter as get_fdata() does (no
// scaling when the slope is 0 or not finite), then upstream's To01 (/255). A `.nii.gz` gives
// slice 85 of the third axis, transposed and flipped upside down
// (np.flipud(vol[:, :, 85].T)); a `.nii` gives the whole array, which must be 2-D here (a model
// takes one image). zlib reads both (gzread passes an uncompressed file through). The header is
// checked before any voxel is read: the magic, the dimensions against the image limits, the
// data type and the voxel offset; a file cut short is a DataError naming it.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "data/data_error.h"
#include "data/io/image_limits.h"
#include "data/io/image_reader.h"

#ifdef MORPHAEUS_HAVE_ZLIB
#include <zlib.h>
#endif

namespace morphaeus {

bool canReadNifti() {
#ifdef MORPHAEUS_HAVE_ZLIB
  return true;
#else
  return false;
#endif
}

#ifdef MORPHAEUS_HAVE_ZLIB
namespace {

constexpr int kHeaderBytes = 348;            // NIfTI-1's fixed header
constexpr std::int64_t kUpstreamSlice = 85;  // the slice upstream's ReadImage takes of a .nii.gz
constexpr std::int64_t kMaxVoxels = std::int64_t(1) << 31;  // the volume a header may announce

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

struct Header {
  std::int64_t dim[8] = {};
  int datatype = 0, bitpix = 0;
  double vox_offset = 0, slope = 0, inter = 0;
  bool swapped = false;
};

template <class T>
T readAt(const unsigned char* bytes, std::size_t offset, bool swapped) {
  unsigned char b[sizeof(T)];
  std::memcpy(b, bytes + offset, sizeof(T));
  if (swapped) {
    for (std::size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(b[i], b[sizeof(T) - 1 - i]);
  }
  T v;
  std::memcpy(&v, b, sizeof(T));
  return v;
}

Header parseHeader(const std::string& path, const unsigned char* h) {
  Header out;
  const std::int32_t size = readAt<std::int32_t>(h, 0, false);
  if (size != kHeaderBytes) {
    if (readAt<std::int32_t>(h, 0, true) != kHeaderBytes) {
      throw DataError(path + ": not a NIfTI-1 file (sizeof_hdr " + std::to_string(size) +
                      ", expected 348)");
    }
    out.swapped = true;
  }
  if (std::memcmp(h + 344, "n+1", 4) != 0) {
    throw DataError(path + std::string(": not a single-file NIfTI-1 image (magic \"") +
                    (std::memcmp(h + 344, "ni1", 4) == 0 ? "ni1\", a .hdr/.img pair" : "?\"") +
                    ")");
  }
  const auto ndim = readAt<std::int16_t>(h, 40, out.swapped);
  if (ndim < 1 || ndim > 7) {
    throw DataError(path + ": the NIfTI header announces " + std::to_string(ndim) +
                    " dimensions (1 to 7)");
  }
  std::int64_t voxels = 1;
  for (int i = 1; i <= 7; ++i) {
    const std::int64_t d = i <= ndim ? readAt<std::int16_t>(h, 40 + 2 * i, out.swapped) : 1;
    if (d < 1) {
      throw DataError(path + ": the NIfTI header announces dimension " + std::to_string(i) +
                      " of size " + std::to_string(d));
    }
    out.dim[i] = d;
    // Checked after every factor: at most 2^31 times one factor below 2^15 cannot overflow
    // (seven factors could: 2^105).
    voxels *= d;
    if (voxels > kMaxVoxels) {
      throw DataError(path + ": the NIfTI header announces " +
                      std::string(i < ndim ? "at least " : "") + std::to_string(voxels) +
                      " voxels, more than the limit of " + std::to_string(kMaxVoxels));
    }
  }
  out.datatype = readAt<std::int16_t>(h, 70, out.swapped);
  out.bitpix = readAt<std::int16_t>(h, 72, out.swapped);
  out.vox_offset = readAt<float>(h, 108, out.swapped);
  out.slope = readAt<float>(h, 112, out.swapped);
  out.inter = readAt<float>(h, 116, out.swapped);
  if (!(out.vox_offset >= kHeaderBytes) || out.vox_offset > 1e9 ||
      out.vox_offset != std::floor(out.vox_offset)) {
    throw DataError(path + ": the NIfTI header's vox_offset " + std::to_string(out.vox_offset) +
                    " is not a byte offset at or after the 348-byte header");
  }
  return out;
}

int bytesPerVoxel(const std::string& path, int datatype) {
  switch (datatype) {
    case 2:
    case 256:
      return 1;  // uint8, int8
    case 4:
    case 512:
      return 2;  // int16, uint16
    case 8:
    case 768:
    case 16:
      return 4;  // int32, uint32, float32
    case 64:
    case 1024:
    case 1280:
      return 8;  // float64, int64, uint64
    default:
      throw DataError(path + ": NIfTI data type " + std::to_string(datatype) +
                      " is not read (integers, float32 and float64 are)");
  }
}

double voxelValue(const unsigned char* p, int datatype, bool swapped) {
  switch (datatype) {
    case 2:
      return *p;
    case 256:
      return static_cast<std::int8_t>(*p);
    case 4:
      return readAt<std::int16_t>(p, 0, swapped);
    case 512:
      return readAt<std::uint16_t>(p, 0, swapped);
    case 8:
      return readAt<std::int32_t>(p, 0, swapped);
    case 768:
      return readAt<std::uint32_t>(p, 0, swapped);
    case 16:
      return readAt<float>(p, 0, swapped);
    case 64:
      return readAt<double>(p, 0, swapped);
    case 1024:
      return static_cast<double>(readAt<std::int64_t>(p, 0, swapped));
    default:
      return static_cast<double>(readAt<std::uint64_t>(p, 0, swapped));
  }
}

bool endsWith(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  std::string tail = s.substr(s.size() - suffix.size());
  for (auto& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tail == suffix;
}

}  // namespace

LoadedImage readNifti(const std::string& path) {
  std::unique_ptr<gzFile_s, GzCloser> file(gzopen(path.c_str(), "rb"));
  if (!file) throw DataError(path + ": cannot open the NIfTI file");
  auto readExactly = [&](void* dst, std::size_t n, const char* what) {
    std::size_t done = 0;
    while (done < n) {
      const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n - done, 1u << 30));
      const int got = gzread(file.get(), static_cast<unsigned char*>(dst) + done, chunk);
      if (got <= 0) {
        int code = 0;
        const char* message = gzerror(file.get(), &code);
        throw DataError(path + ": the NIfTI file is cut short in its " + what +
                        (code != Z_OK && message != nullptr && *message
                             ? std::string(" (") + message + ")"
                             : std::string()));
      }
      done += static_cast<std::size_t>(got);
    }
  };
  unsigned char raw[kHeaderBytes];
  readExactly(raw, kHeaderBytes, "header");
  const Header h = parseHeader(path, raw);
  const int bytes = bytesPerVoxel(path, h.datatype);
  const bool compressed = endsWith(path, ".nii.gz");
  const std::int64_t nx = h.dim[1], ny = h.dim[2], nz = h.dim[3];
  std::int64_t rows = nx, cols = ny, first = 0;
  if (compressed) {
    if (nz <= kUpstreamSlice) {
      throw DataError(path + ": the volume has " + std::to_string(nz) +
                      " slices along its third axis; upstream's ReadImage takes slice 85 of a "
                      ".nii.gz");
    }
    rows = ny;  // vol[:, :, 85].T
    cols = nx;
    first = kUpstreamSlice * nx * ny;
  } else if (nz * h.dim[4] * h.dim[5] * h.dim[6] * h.dim[7] != 1) {
    throw DataError(path + ": a " + std::to_string(nx) + "x" + std::to_string(ny) + "x" +
                    std::to_string(nz) +
                    " volume; upstream's ReadImage returns a .nii whole, so it must be one 2-D "
                    "image (a .nii.gz gives slice 85 of a volume)");
  }
  checkImageSize(path, "NIfTI", rows, cols);
  // Skip to the first voxel wanted (gzseek decompresses up to it; plain files seek).
  const double start = h.vox_offset + static_cast<double>(first) * bytes;
  std::vector<unsigned char> skip(1 << 16);
  for (double left = start - kHeaderBytes; left > 0;) {
    const std::size_t n = static_cast<std::size_t>(std::min<double>(left, skip.size()));
    readExactly(skip.data(), n, "voxel data");
    left -= static_cast<double>(n);
  }
  std::vector<unsigned char> voxels(static_cast<std::size_t>(nx * ny * bytes));
  readExactly(voxels.data(), voxels.size(), "voxel data");

  const bool scaled = h.slope != 0 && std::isfinite(h.slope);
  if (scaled && !std::isfinite(h.inter)) {
    throw DataError(path + ": the NIfTI header's scl_inter is not finite");
  }
  auto out = torch::empty({rows, cols}, torch::kFloat);
  float* dst = out.data_ptr<float>();
  for (std::int64_t i = 0; i < nx; ++i) {
    for (std::int64_t j = 0; j < ny; ++j) {
      // NIfTI stores x fastest: voxel (i, j) at i + j * nx.
      double v = voxelValue(voxels.data() + (i + j * nx) * bytes, h.datatype, h.swapped);
      if (scaled) v = v * h.slope + h.inter;
      // get_fdata()'s float64, torch.Tensor's float32, then To01's float32 division.
      const float value = static_cast<float>(v) / 255.0f;
      if (compressed) {
        dst[(ny - 1 - j) * nx + i] = value;  // transposed ([j][i]), rows reversed
      } else {
        dst[i * ny + j] = value;
      }
    }
  }
  return LoadedImage{out, 8};  // To01: /255 whatever the type
}

#else
LoadedImage readNifti(const std::string& path) {
  throw DataError(path + ": this build has no NIfTI support (built without zlib)");
}
#endif

}  // namespace morphaeus
