// The loaders of the paper's figures against the readers upstream uses (torchvision 0.14, Pillow,
// nibabel: tests/python/public_sets_fixtures.py): MedNISTDataset's two paths (training split:
// tensor resize of the first channel; val/test: 8-bit PIL resize), CIFAR-10's binary batch and
// CelebA's local copy turned grey as torchvision's Grayscale (PIL's luma), NIfTI as upstream's
// ReadImage reads it (.nii.gz: slice 85 transposed and flipped; .nii whole); and their bad input.
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "core/checkpoint/torch_file_reader.h"
#include "core/config/config_error.h"
#include "core/config/yaml_loader.h"
#include "core/registry/data_factory.h"
#include "data/data_error.h"
#include "data/io/image_reader.h"
#include "data/io/pil_luma.h"
#include "data/sets/celeba_partition.h"
#include "data/sets/cifar10_batch.h"
#include "tests/test_support.h"

namespace morphaeus {
namespace {

using test::makeTempDir;
using test::readText;
using test::runCommand;
using test::sourcePath;
using test::writeText;
namespace fs = std::filesystem;

constexpr int kRows = 40, kCols = 48;  // a resize in both directions for 64x64, 32x32, 218x178

class PublicSets : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(makeTempDir("public_sets"));
    const auto r =
        runCommand("/usr/bin/python3 " + sourcePath("tests/python/public_sets_fixtures.py") +
                   " make " + *dir_ + " " + std::to_string(kRows) + " " + std::to_string(kCols));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expected_ = new c10::Dict<c10::IValue, c10::IValue>(
        readTorchFile(*dir_ + "/expected.pt").toGenericDict());
  }
  static torch::Tensor want(const std::string& key) {
    return expected_->at(c10::IValue(key)).toTensor();
  }
  // Every image of every dataset a downstream task's YAML names, in order.
  static std::vector<torch::Tensor> taskImages(const std::string& yaml) {
    const ConfigNode task = loadYamlString(yaml, "task.yaml");
    DataContext ctx;
    ctx.data_root = *dir_;
    std::vector<torch::Tensor> out;
    for (auto& [name, loader] : buildTaskData(task, ctx)) {
      loader->startEpoch(0);
      while (auto b = loader->next())
        for (int64_t i = 0; i < b->images.size(0); ++i) out.push_back(b->images[i]);
    }
    return out;
  }
  static void expectSame(const torch::Tensor& ours, const torch::Tensor& theirs, double tol) {
    ASSERT_EQ(ours.sizes(), theirs.sizes());
    EXPECT_LE((ours - theirs).abs().max().item<double>(), tol);
  }
  static std::string* dir_;
  static c10::Dict<c10::IValue, c10::IValue>* expected_;
};
std::string* PublicSets::dir_ = nullptr;
c10::Dict<c10::IValue, c10::IValue>* PublicSets::expected_ = nullptr;

const std::string kSize = "[" + std::to_string(kRows) + ", " + std::to_string(kCols) + "]";

TEST(PilLuma, MatchesPillowOnEveryExtreme) {
  // Pillow's convert("L") on (255, 255, 255), pure channels and a mid grey.
  EXPECT_EQ(pilLuma(255, 255, 255), 255);
  EXPECT_EQ(pilLuma(255, 0, 0), 76);
  EXPECT_EQ(pilLuma(0, 255, 0), 150);
  EXPECT_EQ(pilLuma(0, 0, 255), 29);
  EXPECT_EQ(pilLuma(128, 128, 128), 128);
}

TEST_F(PublicSets, MedNistTrainingSplitTensorPathAndTestSplitPilPath) {
  const ConfigNode loader = loadYamlString(
      "module_name: core.DataLoader\nclass_name: DefaultDataLoader\nparams:\n  args:\n"
      "    dataset_module: {module_name: data.mednist_loader, class_name: MedNISTDataset}\n"
      "    data_dir:\n      train: ['" +
          *dir_ +
          "/data/MedNIST/splits/cxr_train.csv']\n"
          "      val: ['" +
          *dir_ +
          "/data/MedNIST/splits/cxr_val.csv']\n"
          "      test: ['" +
          *dir_ +
          "/data/MedNIST/splits/hand_test.csv']\n"
          "    target_size: " +
          kSize + "\n    batch_size: 1\n    num_workers: 0\n",
      "loader.yaml");
  DataContext ctx;
  ctx.data_root = *dir_;
  const TrainingData data = buildTrainingData(loader, ctx);
  data.train->startEpoch(0);
  int seen = 0;
  while (auto b = data.train->next()) {  // shuffled: find each by its index
    const auto& e = data.train->dataset().entry(b->indices[0]);
    const std::string rel = "./data/MedNIST/CXR/" + fs::path(e.path).filename().string();
    SCOPED_TRACE(rel);
    expectSame(b->images[0], want("mednist_train/" + rel), 1e-6);
    ++seen;
  }
  EXPECT_EQ(seen, 68);  // cxr_train.csv: 4 + 64 rows
  data.val->startEpoch(0);
  expectSame(data.val->next()->images[0], want("mednist_test/./data/MedNIST/CXR/000004.jpeg"),
             1e-6);
  data.test->startEpoch(0);
  for (const char* f : {"000000", "000001"}) {  // the second is RGB: its first channel
    SCOPED_TRACE(f);
    expectSame(data.test->next()->images[0],
               want(std::string("mednist_test/./data/MedNIST/Hand/") + f + ".jpeg"), 1e-6);
  }
}

TEST_F(PublicSets, Cifar10ClassesGreyAsTorchvision) {
  const auto images = taskImages(
      "data_loader:\n  module_name: data.loaders.cifar10_loader\n  class_name: Cifar10Loader\n"
      "  params:\n    args: {target_size: " +
      kSize + ", batch_size: 3, num_workers: 0, cifar10_dir: '" + *dir_ +
      "/cifar/cifar-10-batches-bin'}\n"
      "  datasets:\n    Normal_dog: {classes: [dog]}\n    car: {classes: ['car', truck]}\n");
  // dog: 4 records; car (automobile) and truck: 4 each, in file order (interleaved).
  ASSERT_EQ(images.size(), 12u);
  for (int k = 0; k < 4; ++k) expectSame(images[k], want("cifar/dog/" + std::to_string(k)), 1e-6);
  for (int k = 0; k < 4; ++k) {
    expectSame(images[4 + 2 * k], want("cifar/automobile/" + std::to_string(k)), 1e-6);
    expectSame(images[5 + 2 * k], want("cifar/truck/" + std::to_string(k)), 1e-6);
  }
}

TEST_F(PublicSets, CelebaTestPartitionGreyAsTorchvision) {
  const auto images = taskImages(
      "data_loader:\n  module_name: data.loaders.celeba_loader\n  class_name: CelebA\n"
      "  params:\n    args: {target_size: " +
      kSize + ", batch_size: 2, num_workers: 0, celeba_dir: '" + *dir_ +
      "/celeba'}\n  datasets:\n    Normal_celebs: {classes: ['celeba']}\n");
  ASSERT_EQ(images.size(), 3u);  // partition 2 of the list
  // Pillow and OpenCV decode with libjpeg (the same IDCT): the same 8-bit pixels.
  for (int k = 0; k < 3; ++k) expectSame(images[k], want("celeba/" + std::to_string(k)), 1e-6);
}

TEST_F(PublicSets, NiftiAsNibabelAndUpstreamReadImage) {
  for (const char* name : {"brain_u8.nii.gz", "brain_i16_scaled.nii.gz", "brain_f32.nii.gz",
                           "slice_f64.nii", "big_endian_u16.nii.gz"}) {
    SCOPED_TRACE(name);
    expectSame(readImage(*dir_ + "/nifti/" + name).pixels, want(std::string("nifti/") + name),
               1e-6);
  }
}

// ---- bad input: one line naming the file -------------------------------------------------------

template <class F>
std::string dataError(F f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "(no DataError)";
}

TEST_F(PublicSets, BadCifar10BatchesNameTheFile) {
  const std::string d = makeTempDir("bad_cifar");
  const std::string good = readText(*dir_ + "/cifar/cifar-10-batches-bin/test_batch.bin");
  writeText(d + "/short.bin", good.substr(0, 3073 * 2 + 100));
  EXPECT_NE(dataError([&] {
              readCifar10Batch(d + "/short.bin");
            }).find("short.bin: 6246 bytes, not a whole number of 3073-byte"),
            std::string::npos);
  std::string bad_label = good.substr(0, 3073 * 3);
  bad_label[3073] = 12;
  writeText(d + "/label.bin", bad_label);
  EXPECT_NE(dataError([&] { readCifar10Batch(d + "/label.bin"); }).find("record 1 has label 12"),
            std::string::npos);
  writeText(d + "/empty.bin", "");
  EXPECT_NE(dataError([&] { readCifar10Batch(d + "/empty.bin"); }).find("empty.bin: empty"),
            std::string::npos);
}

TEST_F(PublicSets, BadCelebaFoldersNameTheFile) {
  const std::string d = makeTempDir("bad_celeba");
  fs::create_directories(d + "/img_align_celeba");
  EXPECT_NE(dataError([&] {
              readCelebaPartition(d, kCelebaTestPartition);
            }).find("no CelebA partition list"),
            std::string::npos);
  writeText(d + "/list_eval_partition.txt", "000001.jpg 0\n000002.jpg seven\n");
  EXPECT_NE(dataError([&] {
              readCelebaPartition(d, kCelebaTestPartition);
            }).find("list_eval_partition.txt:2: expected"),
            std::string::npos);
}

void writeGz(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  gzclose(f);
}

std::string gunzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  std::string out;
  char buf[65536];
  for (int n; (n = gzread(f, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  return out;
}

TEST_F(PublicSets, BadNiftiFilesNameTheFile) {
  const std::string d = makeTempDir("bad_nifti");
  const std::string good = gunzip(*dir_ + "/nifti/brain_u8.nii.gz");
  // Cut short in the voxels (before slice 85's end) and in the header.
  writeGz(d + "/cut.nii.gz", good.substr(0, 352 + 85 * 20 * 24 + 100));  // in slice 85
  EXPECT_NE(dataError([&] {
              readImage(d + "/cut.nii.gz");
            }).find("cut.nii.gz: the NIfTI file is cut short"),
            std::string::npos);
  writeGz(d + "/header.nii.gz", good.substr(0, 200));
  EXPECT_NE(dataError([&] { readImage(d + "/header.nii.gz"); }).find("cut short in its header"),
            std::string::npos);
  // A gzip stream cut mid-way (not a whole gzip member).
  const std::string packed = readText(*dir_ + "/nifti/brain_u8.nii.gz");
  writeText(d + "/torn.nii.gz", packed.substr(0, packed.size() / 2));
  EXPECT_NE(dataError([&] {
              readImage(d + "/torn.nii.gz");
            }).find("torn.nii.gz: the NIfTI file is cut short"),
            std::string::npos);
  // Absurd dimensions: 32767 x 32767 x 32767.
  std::string huge = good.substr(0, 352);
  for (int i = 1; i <= 3; ++i) {
    huge[40 + 2 * i] = static_cast<char>(0xFF);
    huge[41 + 2 * i] = 0x7F;
  }
  writeGz(d + "/huge.nii.gz", huge);
  EXPECT_NE(dataError([&] {
              readImage(d + "/huge.nii.gz");
            }).find("huge.nii.gz: the NIfTI header announces"),
            std::string::npos);
  // Seven dimensions of 32767: their product (2^105) overflows 64 bits (a fuzzer's finding).
  std::string seven = good.substr(0, 352);
  seven[40] = 7;
  seven[41] = 0;
  for (int i = 1; i <= 7; ++i) {
    seven[40 + 2 * i] = static_cast<char>(0xFF);
    seven[41 + 2 * i] = 0x7F;
  }
  writeGz(d + "/seven.nii.gz", seven);
  EXPECT_NE(dataError([&] {
              readImage(d + "/seven.nii.gz");
            }).find("seven.nii.gz: the NIfTI header announces at least"),
            std::string::npos);
  std::string negative = good;
  negative[42] = static_cast<char>(0xFE);
  negative[43] = static_cast<char>(0xFF);  // dim[1] = -2
  writeGz(d + "/negative.nii.gz", negative);
  EXPECT_NE(dataError([&] { readImage(d + "/negative.nii.gz"); }).find("dimension 1 of size -2"),
            std::string::npos);
  writeGz(d + "/magic.nii.gz", good.substr(0, 344) + "xyz" + good.substr(347));
  EXPECT_NE(dataError([&] { readImage(d + "/magic.nii.gz"); }).find("not a single-file NIfTI-1"),
            std::string::npos);
  // Too few slices for upstream's slice 85, and a 3-D volume as .nii.
  std::string thin = good;
  thin[46] = 40;  // dim[3] = 40
  thin[47] = 0;
  writeGz(d + "/thin.nii.gz", thin);
  EXPECT_NE(dataError([&] { readImage(d + "/thin.nii.gz"); }).find("has 40 slices"),
            std::string::npos);
  writeText(d + "/volume.nii", good);
  EXPECT_NE(dataError([&] { readImage(d + "/volume.nii"); }).find("must be one 2-D image"),
            std::string::npos);
}

}  // namespace
}  // namespace morphaeus
