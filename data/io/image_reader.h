// Reads one image file into a single-channel float image scaled to [0, 1] the way upstream does:
// 8-bit PNG/JPEG divided by 255 (first channel: grey, or red of RGB/RGBA), 16-bit PNG by 65535,
// NPY divided by 255 (upstream's To01, whatever the dtype), DICOM by its stored range after the
// modality rescale (slope/intercept), MONOCHROME1 inverted. Throws DataError naming the file.
#pragma once

#include <torch/torch.h>

#include <string>

namespace morphaeus {

struct LoadedImage {
  torch::Tensor pixels;  // [H, W] float32
  int bits = 8;          // stored bit depth that set the scale
};

LoadedImage readImage(const std::string& path);

// Which formats this build reads (PNG/JPEG need OpenCV, DICOM needs DCMTK).
bool canReadPngJpeg();
bool canReadDicom();

// Format readers (image_reader.cpp dispatches on the file extension).
LoadedImage readPngJpeg(const std::string& path);
LoadedImage readNpy(const std::string& path);
LoadedImage readDicom(const std::string& path);

}  // namespace morphaeus
