// Reads one image file into a single-channel float image scaled to [0, 1] the way upstream does:
// 8-bit PNG/JPEG divided by 255 (first channel: grey, or red of RGB/RGBA), 16-bit PNG by 65535,
// NPY divided by 255 (upstream's To01, whatever the dtype), DICOM by its stored range after the
// modality rescale (slope/intercept), MONOCHROME1 inverted, NIfTI-1 as nibabel's get_fdata()
// (.nii.gz: slice 85, transposed and flipped; .nii: a 2-D image) divided by 255. Throws DataError
// naming the file.
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
bool canReadNifti();  // needs zlib

// Format readers (image_reader.cpp dispatches on the file extension).
LoadedImage readPngJpeg(const std::string& path);
// An 8-bit PNG/JPEG as PIL's convert("L") gives it (torchvision's Grayscale), divided by 255.
LoadedImage readPngJpegLuma(const std::string& path);
LoadedImage readNpy(const std::string& path);
LoadedImage readDicom(const std::string& path);
LoadedImage readNifti(const std::string& path);  // .nii or .nii.gz (zlib)

}  // namespace morphaeus
