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
  if (ext == ".nii") return readNifti(path);
  if (ext == ".gz") {
    std::string name = std::filesystem::path(path).filename().string();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (name.size() > 7 && name.compare(name.size() - 7, 7, ".nii.gz") == 0) return readNifti(path);
  }
  throw DataError(path + ": unsupported image type \"" + ext +
                  "\" (png, jpg, jpeg, npy, dcm, nii, nii.gz)");
}

}  // namespace morphaeus
