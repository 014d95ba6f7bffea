#include "data/io/image_reader.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "data/data_error.h"

namespace morphaeus {

LoadedImage readImage(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw DataError(path + ": image file not found");
  if (ext == ".png" || ext == ".jpg" || ext == ".jpeg") return readPngJpeg(path);
  if (ext == ".npy") return readNpy(path);
  if (ext == ".dcm" || ext == ".dicom") return readDicom(path);
  throw DataError(path + ": unsupported image type \"" + ext + "\" (png, jpg, jpeg, npy, dcm)");
}

}  // namespace morphaeus
