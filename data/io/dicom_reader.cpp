// DICOM through DCMTK: compressed transfer syntaxes that DCMTK decodes (JPEG, JPEG-LS, RLE) are
// decompressed first; the stored bits are masked (and sign-extended for signed data), the modality
// rescale (slope/intercept) applied, and the value scaled by the stored range to [0, 1];
// MONOCHROME1 is inverted. For the RSNA files (8-bit MONOCHROME2, no rescale) this is value / 255,
// exactly upstream's pydicom pixel_array / 255.
#include <cmath>
#include <mutex>
#include <vector>

#include "data/data_error.h"
#include "data/io/image_limits.h"
#include "data/io/image_reader.h"

#ifdef MORPHAEUS_HAVE_DCMTK
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dctk.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#endif

namespace morphaeus {

bool canReadDicom() {
#ifdef MORPHAEUS_HAVE_DCMTK
  return true;
#else
  return false;
#endif
}

#ifdef MORPHAEUS_HAVE_DCMTK
namespace {

void registerCodecs() {
  static std::once_flag once;
  std::call_once(once, [] {
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
  });
}

}  // namespace

LoadedImage readDicom(const std::string& path) {
  registerCodecs();
  DcmFileFormat file;
  OFCondition status = file.loadFile(path.c_str());
  if (status.bad()) throw DataError(path + ": not a readable DICOM file (" + status.text() + ")");
  DcmDataset* ds = file.getDataset();
  auto need16 = [&](const DcmTagKey& tag, const char* name) {
    Uint16 v = 0;
    if (ds->findAndGetUint16(tag, v).bad()) throw DataError(path + ": DICOM tag " + name + " missing");
    return v;
  };
  const Uint16 rows = need16(DCM_Rows, "Rows"), cols = need16(DCM_Columns, "Columns");
  const Uint16 allocated = need16(DCM_BitsAllocated, "BitsAllocated");
  Uint16 stored = allocated, representation = 0, samples = 1;
  ds->findAndGetUint16(DCM_BitsStored, stored);
  ds->findAndGetUint16(DCM_PixelRepresentation, representation);
  ds->findAndGetUint16(DCM_SamplesPerPixel, samples);
  OFString photometric;
  ds->findAndGetOFString(DCM_PhotometricInterpretation, photometric);
  Float64 slope = 1.0, intercept = 0.0;
  ds->findAndGetFloat64(DCM_RescaleSlope, slope);
  ds->findAndGetFloat64(DCM_RescaleIntercept, intercept);
  if (slope == 0.0) slope = 1.0;
  if (allocated != 8 && allocated != 16) {
    throw DataError(path + ": BitsAllocated " + std::to_string(allocated) + " is not supported (8 or 16)");
  }
  if (stored == 0 || stored > allocated) stored = allocated;
  if (samples == 0) samples = 1;
  checkImageSize(path, "DICOM", rows, cols, samples);  // before decompressing anything

  if (ds->chooseRepresentation(EXS_LittleEndianExplicit, nullptr).bad() ||
      !ds->canWriteXfer(EXS_LittleEndianExplicit)) {
    throw DataError(path + ": cannot decompress this DICOM transfer syntax");
  }
  const std::size_t count = static_cast<std::size_t>(rows) * cols * samples;
  std::vector<int64_t> raw(static_cast<std::size_t>(rows) * cols);
  DcmElement* element = nullptr;
  if (ds->findAndGetElement(DCM_PixelData, element).bad() || element == nullptr) {
    throw DataError(path + ": no pixel data");
  }
  const uint64_t mask = (uint64_t(1) << stored) - 1;
  auto decode = [&](uint64_t v) {
    v &= mask;
    if (representation == 1 && (v >> (stored - 1)) & 1) return static_cast<int64_t>(v) - (int64_t(1) << stored);
    return static_cast<int64_t>(v);
  };
  if (allocated == 8) {
    Uint8* p = nullptr;
    if (element->getUint8Array(p).bad() || p == nullptr || element->getLength() < count) {
      throw DataError(path + ": pixel data shorter than Rows x Columns");
    }
    for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = decode(p[i * samples]);
  } else {
    Uint16* p = nullptr;
    if (element->getUint16Array(p).bad() || p == nullptr || element->getLength() < 2 * count) {
      throw DataError(path + ": pixel data shorter than Rows x Columns");
    }
    for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = decode(p[i * samples]);
  }

  // The stored range after the modality rescale sets the [0, 1] scale.
  const double lo_raw = representation == 1 ? -std::ldexp(1.0, stored - 1) : 0.0;
  const double hi_raw = representation == 1 ? std::ldexp(1.0, stored - 1) - 1 : std::ldexp(1.0, stored) - 1;
  double lo = lo_raw * slope + intercept, hi = hi_raw * slope + intercept;
  if (lo > hi) std::swap(lo, hi);
  const bool invert = photometric == "MONOCHROME1";
  auto out = torch::empty({rows, cols}, torch::kFloat);
  float* dst = out.data_ptr<float>();
  const bool plain = slope == 1.0 && intercept == 0.0 && lo == 0.0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    // Unscaled unsigned data: float32 division like upstream's tensor / 255.
    const float v = plain ? static_cast<float>(raw[i]) / static_cast<float>(hi)
                          : static_cast<float>((static_cast<double>(raw[i]) * slope + intercept - lo) / (hi - lo));
    dst[i] = invert ? 1.0f - v : v;
  }
  return LoadedImage{out, static_cast<int>(stored)};
}
#else
LoadedImage readDicom(const std::string& path) {
  throw DataError(path + ": this build has no DICOM support (built without DCMTK)");
}
#endif

}  // namespace morphaeus
