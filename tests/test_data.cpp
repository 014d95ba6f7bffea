// Data pipeline: split CSVs, image readers against files written by independent tools (Pillow,
// NumPy, pydicom, OpenCV, DCMTK's img2dcm), both resize paths against torchvision 0.14,
// datasets, batching determinism and caching, bad input, synthetic data.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <opencv2/imgcodecs.hpp>

#include "core/checkpoint/torch_file_reader.h"
#include "data/batch_loader.h"
#include "data/csv_split.h"
#include "data/data_error.h"
#include "data/image_dataset.h"
#include "data/io/image_reader.h"
#include "data/io/npy_writer.h"
#include "data/pil_resize.h"
#include "data/preprocess.h"
#include "data/synthetic/synthetic_cxr.h"
#include "tests/test_support.h"

namespace morphaeus {
namespace {

namespace fs = std::filesystem;
using test::makeTempDir;
using test::readText;
using test::runCommand;
using test::sourcePath;
using test::writeText;

std::string expectDataError(const std::function<void()>& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a DataError";
  return "";
}

// ---- split CSVs --------------------------------------------------------------------------

TEST(SplitCsv, CrlfLfBomQuotesAndDataRoot) {
  const std::string d = makeTempDir("csv");
  writeText(d + "/crlf.csv",
            "\xEF\xBB\xBF"
            "filename\r\n./data/a.png\r\n/abs/b.png\r\n\r\n");
  writeText(d + "/lf.csv", "id,filename\n1,\"x, y.png\"\n2,z.png\n");
  auto crlf = readSplitCsv(d + "/crlf.csv", "/root");
  ASSERT_EQ(crlf.size(), 2u);
  EXPECT_EQ(crlf[0].path, "/root/data/a.png");
  EXPECT_EQ(crlf[1].path, "/abs/b.png");
  EXPECT_EQ(crlf[1].where(), d + "/crlf.csv:3");
  auto lf = readSplitCsv(d + "/lf.csv", "");
  ASSERT_EQ(lf.size(), 2u);
  EXPECT_EQ(lf[0].path, "x, y.png");
}

TEST(SplitCsv, PaperSplitsLoad) {
  auto train = readSplitCsv(sourcePath("data/splits/cxr_normal_train.csv"), "/data");
  EXPECT_EQ(train.size(), 8154u);
  EXPECT_EQ(readSplitCsv(sourcePath("data/splits/cxr_opa_test.csv"), "").size(), 6012u);
  EXPECT_EQ(train[0].path, "/data/data/CXR/Normal/images/Normal-2591.png");
}

TEST(SplitCsv, BadFilesNameTheFileAndLine) {
  const std::string d = makeTempDir("badcsv");
  writeText(d + "/header.csv", "path\na.png\n");
  writeText(d + "/empty.csv", "filename\r\n");
  writeText(d + "/hole.csv", "id,filename\n1,a.png\n2,\n");
  EXPECT_EQ(expectDataError([&] { readSplitCsv(d + "/missing.csv", ""); }),
            d + "/missing.csv: cannot open the split CSV");
  EXPECT_EQ(expectDataError([&] { readSplitCsv(d + "/header.csv", ""); }),
            d + "/header.csv:1: the header has no `filename` column (got \"path\")");
  EXPECT_EQ(expectDataError([&] { readSplitCsv(d + "/empty.csv", ""); }),
            d + "/empty.csv: the split lists no images");
  EXPECT_EQ(expectDataError([&] { readSplitCsv(d + "/hole.csv", ""); }),
            d + "/hole.csv:3: row has no filename");
}

TEST(SplitCsv, FoldersWithGlob) {
  const std::string d = makeTempDir("folder");
  for (const char* n : {"b.png", "a.png", "c.jpg"}) writeText(d + "/" + n, "x");
  auto all = readSplit({d}, "*.png", "");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(fs::path(all[0].path).filename(), "a.png");
}

// ---- image readers -----------------------------------------------------------------------

class ImageFiles : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(makeTempDir("images"));
    for (const char* mode : {"images", "preprocess"}) {
      auto r = runCommand("/usr/bin/python3 " + sourcePath("tests/python/data_fixtures.py") + " " +
                          mode + " " + *dir_);
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  static std::string file(const std::string& n) { return *dir_ + "/" + n; }
  static std::string* dir_;
};
std::string* ImageFiles::dir_ = nullptr;

TEST_F(ImageFiles, ReadAsPillowNumpyAndPydicomSay) {
  auto expected = readTorchFile(file("expected.pt")).toGenericDict();
  ASSERT_GE(expected.size(), 10u);
  for (const auto& entry : expected) {
    const std::string name = entry.key().toStringRef();
    SCOPED_TRACE(name);
    LoadedImage img = readImage(file(name));
    const torch::Tensor want = entry.value().toTensor();
    ASSERT_EQ(img.pixels.sizes(), want.sizes());
    EXPECT_LE((img.pixels - want).abs().max().item<double>(), 1e-6);
  }
  EXPECT_EQ(readImage(file("pil_16bit.png")).bits, 16);
  EXPECT_EQ(readImage(file("mono1_12bit_rescale.dcm")).bits, 12);
}

TEST_F(ImageFiles, OpenCvPngAndJpegAndCompressedDicom) {
  const std::string d = makeTempDir("cv");
  cv::Mat grey(40, 50, CV_8UC1);
  cv::randu(grey, 0, 256);
  ASSERT_TRUE(cv::imwrite(d + "/cv.png", grey));
  LoadedImage png = readImage(d + "/cv.png");
  EXPECT_EQ(png.pixels[3][7].item<float>(), grey.at<uint8_t>(3, 7) / 255.0f);

  cv::Mat smooth(64, 64, CV_8UC1);
  for (int r = 0; r < 64; ++r)
    for (int c = 0; c < 64; ++c) smooth.at<uint8_t>(r, c) = static_cast<uint8_t>(2 * r + c);
  ASSERT_TRUE(cv::imwrite(d + "/smooth.jpg", smooth, {cv::IMWRITE_JPEG_QUALITY, 95}));
  LoadedImage jpg = readImage(d + "/smooth.jpg");
  cv::Mat decoded = cv::imread(d + "/smooth.jpg", cv::IMREAD_UNCHANGED);
  EXPECT_EQ(jpg.pixels[10][20].item<float>(), decoded.at<uint8_t>(10, 20) / 255.0f);

  // DCMTK's img2dcm wraps the JPEG as a JPEG-baseline DICOM; DCMTK's own decoder reads it back
  // (a different libjpeg build than OpenCV's: allow one grey level).
  auto r = runCommand("img2dcm -q " + d + "/smooth.jpg " + d + "/smooth.dcm");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  LoadedImage dcm = readImage(d + "/smooth.dcm");
  ASSERT_EQ(dcm.pixels.sizes(), jpg.pixels.sizes());
  EXPECT_LE((dcm.pixels - jpg.pixels).abs().max().item<double>(), 1.5 / 255);
}

TEST_F(ImageFiles, TruncatedAndCorruptFilesNameTheFile) {
  const std::string d = makeTempDir("trunc");
  for (const char* name : {"pil_grey.png", "mono2_8bit.dcm", "float.npy"}) {
    const std::string bytes = readText(file(name));
    const std::string cut = d + "/cut_" + name;
    writeText(cut, bytes.substr(0, bytes.size() / 2));
    const std::string msg = expectDataError([&] { readImage(cut); });
    EXPECT_EQ(msg.rfind(cut + ": ", 0), 0u) << msg;
  }
  cv::Mat m(32, 32, CV_8UC1, cv::Scalar(90));
  cv::imwrite(d + "/full.jpg", m);
  const std::string jpg = readText(d + "/full.jpg");
  writeText(d + "/cut.jpg", jpg.substr(0, jpg.size() - 40));
  EXPECT_EQ(expectDataError([&] { readImage(d + "/cut.jpg"); }),
            d + "/cut.jpg: truncated JPEG (no end marker)");
  writeText(d + "/empty.png", "");
  EXPECT_NE(expectDataError([&] { readImage(d + "/empty.png"); }), "");
  writeText(d + "/text.png", "not an image");
  EXPECT_NE(expectDataError([&] { readImage(d + "/text.png"); }), "");
  EXPECT_EQ(expectDataError([&] { readImage(d + "/none.png"); }),
            d + "/none.png: image file not found");
  writeText(d + "/x.tif", "x");
  EXPECT_NE(expectDataError([&] { readImage(d + "/x.tif"); }).find("unsupported image type"),
            std::string::npos);
}

// Headers that announce huge images are refused before anything is decoded or allocated: a
// Pillow PNG with its IHDR patched, an .npy header written by hand, and a pydicom-written DICOM
// whose Rows/Columns DCMTK's dcmodify set to 65535.
TEST_F(ImageFiles, HugeHeadersAreRefusedBeforeDecoding) {
  const std::string d = makeTempDir("huge");
  std::string png = readText(file("pil_grey.png"));
  for (int offset : {16, 20}) png.replace(offset, 4, "\x00\x00\xea\x60", 4);  // 60000
  writeText(d + "/huge.png", png);
  EXPECT_EQ(expectDataError([&] {
              readImage(d + "/huge.png");
            }).rfind(d + "/huge.png: the PNG header announces 60000x60000", 0),
            0u);

  std::string header = "{'descr': '|u1', 'fortran_order': False, 'shape': (100000, 100000), }";
  header += std::string(117 - header.size(), ' ') + "\n";  // 118 bytes: header_len 0x76
  writeText(d + "/huge.npy", std::string("\x93NUMPY\x01\x00", 8) + std::string("\x76\x00", 2) +
                                 header + std::string(16, '\0'));
  EXPECT_EQ(expectDataError([&] {
              readImage(d + "/huge.npy");
            }).rfind(d + "/huge.npy: the .npy header announces 100000x100000", 0),
            0u);

  std::filesystem::copy_file(file("mono2_8bit.dcm"), d + "/huge.dcm");
  const auto r =
      runCommand("dcmodify -nb -m '(0028,0010)=65535' -m '(0028,0011)=65535' " + d + "/huge.dcm");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(expectDataError([&] {
              readImage(d + "/huge.dcm");
            }).rfind(d + "/huge.dcm: the DICOM header announces 65535x65535", 0),
            0u);
}

// ---- preprocessing parity with torchvision 0.14 ------------------------------------------

TEST_F(ImageFiles, BothResizePathsMatchTorchvision) {
  auto ref = readTorchFile(file("resized.pt")).toGenericDict();
  EXPECT_TRUE(ref.at(c10::IValue("roundtrip_exact")).toBool());
  for (const char* name : {"smooth.png", "noise.png", "wide16.png"}) {
    SCOPED_TRACE(name);
    auto r = ref.at(c10::IValue(name)).toGenericDict();
    const torch::Tensor img = readImage(file(name)).pixels;
    ASSERT_EQ(img.sizes(), (std::vector<int64_t>{299, 299}));
    const auto tensor = preprocessImage(img, 128, 128, ResizePath::Tensor)[0];
    const auto pil = preprocessImage(img, 128, 128, ResizePath::Pil)[0];
    const double dt = (tensor - r.at(c10::IValue("tensor")).toTensor()).abs().max().item<double>();
    const double dp = (pil - r.at(c10::IValue("pil")).toTensor()).abs().max().item<double>();
    EXPECT_LE(dt, 1.0 / 255);
    EXPECT_LE(dp, 1.0 / 255);
    // In fact both agree to float rounding (Pillow's fixed-point arithmetic is reproduced).
    EXPECT_LE(dt, 1e-6);
    EXPECT_LE(dp, 1e-6);
  }
}

TEST(PilResize, IdentityAndUpscaling) {
  std::vector<std::uint8_t> in = {0, 100, 200, 255};
  EXPECT_EQ(pilResizeBilinear(in.data(), 2, 2, 2, 2), in);
  auto up = pilResizeBilinear(in.data(), 2, 2, 4, 4);
  EXPECT_EQ(up.size(), 16u);
  EXPECT_EQ(up[0], 0);
  EXPECT_EQ(up[15], 255);
}

// ---- datasets and batching --------------------------------------------------------------

std::shared_ptr<ImageDataset> smallDataset(const std::string& dir, int n, ResizePath path,
                                           bool cache) {
  ImageDatasetOptions o;
  for (int i = 0; i < n; ++i) {
    cv::Mat m(20, 24, CV_8UC1, cv::Scalar(i * 10));
    m.at<uint8_t>(i % 20, 3) = 255;
    const std::string p = dir + "/img" + std::to_string(i) + ".png";
    cv::imwrite(p, m);
    o.images.push_back(SplitEntry{p, dir + "/list.csv", static_cast<std::size_t>(i + 2)});
  }
  o.height = 16;
  o.width = 16;
  o.path = path;
  o.cache = cache;
  return std::make_shared<ImageDataset>(o);
}

TEST(BatchLoader, EpochOrderIsSeededAndAPermutation) {
  auto a = epochOrder(100, true, 7, 0), b = epochOrder(100, true, 7, 0),
       c = epochOrder(100, true, 7, 1);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, epochOrder(100, true, 8, 0));
  auto sorted = a;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, epochOrder(100, false, 7, 0));
}

TEST(BatchLoader, WorkersGiveTheSameBatchesAsTheCallingThread) {
  const std::string d = makeTempDir("loader");
  auto ds = smallDataset(d, 10, ResizePath::Tensor, false);
  BatchLoaderOptions o;
  o.batch_size = 4;
  o.shuffle = true;
  o.drop_last = true;
  o.seed = 3;
  o.workers = 0;
  BatchLoader serial(ds, o);
  o.workers = 3;
  BatchLoader parallel(ds, o);
  EXPECT_EQ(serial.batchesPerEpoch(), 2u);
  for (int epoch = 0; epoch < 2; ++epoch) {
    serial.startEpoch(epoch);
    parallel.startEpoch(epoch);
    int batches = 0;
    while (auto a = serial.next()) {
      auto b = parallel.next();
      ASSERT_TRUE(b.has_value());
      EXPECT_EQ(a->indices, b->indices);
      EXPECT_TRUE(a->images.equal(b->images));
      EXPECT_EQ(a->images.sizes(), (std::vector<int64_t>{4, 1, 16, 16}));
      ++batches;
    }
    EXPECT_FALSE(parallel.next().has_value());
    EXPECT_EQ(batches, 2);
  }
  o.shuffle = false;
  o.drop_last = false;
  BatchLoader eval(ds, o);
  eval.startEpoch(0);
  std::vector<std::size_t> seen;
  while (auto b = eval.next()) seen.insert(seen.end(), b->indices.begin(), b->indices.end());
  EXPECT_EQ(seen, epochOrder(10, false, 0, 0));
}

TEST(ImageDataset, CacheReturnsIdenticalValuesAndCountsBytes) {
  const std::string d = makeTempDir("cache");
  auto cached = smallDataset(d, 5, ResizePath::Pil, true);
  auto plain = smallDataset(d, 5, ResizePath::Pil, false);
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t i = 0; i < 5; ++i)
      EXPECT_TRUE(cached->get(i)->image.equal(plain->get(i)->image));
  EXPECT_EQ(cached->cacheBytes(), 5u * 16 * 16);  // 8 bits per pixel on the Pil path
  fs::remove_all(d);                              // the cache answers without the files
  EXPECT_TRUE(cached->get(4).has_value());
}

TEST(ImageDataset, BadImagesFailWithTheRowOrAreSkipped) {
  const std::string d = makeTempDir("bad");
  auto ds = smallDataset(d, 3, ResizePath::Tensor, false);
  writeText(d + "/img1.png", "garbage");
  const std::string msg = expectDataError([&] { ds->get(1); });
  EXPECT_EQ(msg.rfind(d + "/list.csv:3: " + d + "/img1.png: ", 0), 0u) << msg;

  ImageDatasetOptions o = ds->options();
  o.skip_bad = true;
  std::vector<std::string> told;
  o.on_skip = [&](const std::string& m) { told.push_back(m); };
  auto skipping = std::make_shared<ImageDataset>(o);
  BatchLoaderOptions lo;
  lo.batch_size = 3;
  lo.workers = 1;
  BatchLoader loader(skipping, lo);
  loader.startEpoch(0);
  auto b = loader.next();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->indices, (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(skipping->skipped(), 1u);
  ASSERT_EQ(told.size(), 1u);

  // A worker's error reaches the consumer.
  BatchLoader failing(ds, lo);
  failing.startEpoch(0);
  EXPECT_THROW(failing.next(), DataError);
}

// ---- synthetic data ------------------------------------------------------------------------

TEST(Synthetic, DeterministicWithOpacityMasks) {
  std::vector<float> m1, m2;
  auto a = renderSyntheticCxr(96, 11, true, &m1);
  auto b = renderSyntheticCxr(96, 11, true, &m2);
  EXPECT_EQ(a, b);
  EXPECT_EQ(m1, m2);
  EXPECT_NE(a, renderSyntheticCxr(96, 12, true, nullptr));
  double mask_sum = 0, lo = 1, hi = 0;
  for (float v : m1) mask_sum += v;
  for (float v : a) lo = std::min<double>(lo, v), hi = std::max<double>(hi, v);
  EXPECT_GT(mask_sum, 10);
  EXPECT_GE(lo, 0.0);
  EXPECT_LE(hi, 1.0);
  EXPECT_GT(hi - lo, 0.4);  // real contrast
  std::vector<float> none;
  renderSyntheticCxr(96, 11, false, &none);
  double none_sum = 0;
  for (float v : none) none_sum += v;
  EXPECT_EQ(none_sum, 0.0);
}

TEST(Synthetic, GeneratesSplitsInTheRealLayout) {
  SyntheticOptions o;
  o.out = makeTempDir("synth");
  o.n_train = 3;
  o.n_val = 2;
  o.n_test = 2;
  o.n_abnormal = 2;
  o.size = 48;
  EXPECT_FALSE(syntheticUpToDate(o));
  SyntheticSplits s = generateSyntheticCxr(o);
  EXPECT_TRUE(syntheticUpToDate(o));
  EXPECT_EQ(readText(s.train).rfind("filename\r\n", 0), 0u);
  auto train = readSplitCsv(s.train, "");
  ASSERT_EQ(train.size(), 3u);
  EXPECT_EQ(readImage(train[0].path).pixels.sizes(), (std::vector<int64_t>{48, 48}));
  EXPECT_EQ(readSplitCsv(s.abnormal_masks, "").size(), 2u);
  o.seed = 99;
  EXPECT_FALSE(syntheticUpToDate(o));
}

TEST(NpyWriter, NumpyLoadsWhatWeWriteAndSoDoWe) {
  const std::string d = makeTempDir("npyw");
  const auto a = torch::arange(15, torch::kFloat).view({3, 5}) / 7;
  writeNpy(d + "/a.npy", a);
  writeNpy(d + "/v.npy", torch::arange(4, torch::kDouble));  // stored as float32
  const auto back = readNpy(d + "/a.npy").pixels;
  EXPECT_TRUE(
      torch::allclose(back * 255, a, 1e-6, 1e-7));  // readNpy divides by 255 (upstream's To01)
  EXPECT_FALSE(std::filesystem::exists(d + "/a.npy.tmp"));
  auto r = runCommand(
      "/usr/bin/python3 -c \"import numpy as np; a = np.load('" + d + "/a.npy'); v = np.load('" +
      d +
      "/v.npy'); assert a.dtype == np.float32 and a.shape == (3, 5), (a.dtype, a.shape); "
      "assert (a == (np.arange(15, dtype=np.float32).reshape(3, 5) / np.float32(7))).all(); "
      "assert v.shape == (4,) and (v == np.arange(4)).all(); print('ok')\"");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace morphaeus
