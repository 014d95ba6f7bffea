// The byte-level parsers (split CSVs and the torch.save unpickler) on valid, truncated and
// randomly mutated input: a value or a clean DataError/CheckpointError, never a crash. Part of
// the parser tests that the asan preset runs under AddressSanitizer and UBSan.
#include <gtest/gtest.h>
#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "core/checkpoint/checkpoint_error.h"
#include "core/checkpoint/pickle_reader.h"
#include "data/csv_split.h"
#include "data/data_error.h"
#include "data/io/image_limits.h"

namespace morphaeus {
namespace {

using namespace std::string_literals;

std::string u32(uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); }
std::string binunicode(const std::string& s) { return "X" + u32(static_cast<uint32_t>(s.size())) + s; }

// {'a': [1, 2, 70000], 'b': 2.5, 't': tensor([[0, 1], [2, 3]])} in pickle protocol 2, the way
// torch.save lays out tensors (persistent storage ids, _rebuild_tensor_v2).
std::string samplePickle() {
  std::string p = "\x80\x02}q\x00("s;
  p += binunicode("a") + "]q\x01(K\x01K\x02J"s + u32(70000) + "e";
  const double d = 2.5;
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  p += binunicode("b") + "G";
  for (int i = 7; i >= 0; --i) p.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
  p += binunicode("t") + "ctorch._utils\n_rebuild_tensor_v2\nq\x02("s;
  p += "(" + binunicode("storage") + "ctorch\nFloatStorage\n" + binunicode("0") + binunicode("cpu") + "K\x04tQ"s;
  p += "K\x00K\x02K\x02\x86K\x02K\x01\x86\x89NtR"s;
  p += "u.";
  return p;
}

c10::IValue parse(const std::string& bytes) {
  PickleOptions o;
  o.source = "sample.pkl";
  o.load_storage = [](const StorageRef& ref) { return at::arange(ref.numel, at::TensorOptions().dtype(ref.dtype)); };
  std::size_t offset = 0;
  return unpickle(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), &offset, o);
}

TEST(PickleParser, ReadsTheSample) {
  const c10::IValue v = parse(samplePickle());
  auto d = v.toGenericDict();
  auto a = d.at(c10::IValue("a")).toListRef();
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[2].toInt(), 70000);
  EXPECT_DOUBLE_EQ(d.at(c10::IValue("b")).toDouble(), 2.5);
  EXPECT_TRUE(d.at(c10::IValue("t")).toTensor().equal(at::arange(4, at::kFloat).view({2, 2})));
}

TEST(PickleParser, TruncationsAndMutationsFailCleanly) {
  const std::string good = samplePickle();
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_THROW(parse(good.substr(0, cut)), CheckpointError) << "cut at " << cut;
  }
  std::mt19937 rng(11);
  int parsed = 0, refused = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string bad = good;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < flips; ++k) bad[rng() % bad.size()] = static_cast<char>(rng() % 256);
    try {
      parse(bad);
      ++parsed;
    } catch (const CheckpointError&) {
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_EQ(parsed + refused, 3000);
}

TEST(SplitCsvParser, RandomBytesGiveEntriesOrDataErrors) {
  const auto dir = std::filesystem::temp_directory_path() / ("morphaeus-csvfuzz-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "f.csv").string();
  std::mt19937 rng(5);
  const std::string alphabet = "filename,\"\r\n ./abc\xEF\xBB\xBF";
  for (int trial = 0; trial < 2000; ++trial) {
    std::string text = trial % 2 ? "filename\r\n" : "";
    const std::size_t n = rng() % 64;
    for (std::size_t i = 0; i < n; ++i) text.push_back(trial % 3 ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng() % 256));
    std::ofstream(path, std::ios::binary) << text;
    try {
      for (const auto& e : readSplitCsv(path, "/root")) EXPECT_FALSE(e.path.empty());
    } catch (const DataError&) {
    }
  }
  std::filesystem::remove_all(dir);
}

// The sample's tensor rebuilt with another (offset, size, stride).
std::string withView(const std::string& view) {
  std::string p = samplePickle();
  const std::string old = "K\x00K\x02K\x02\x86K\x02K\x01\x86"s;
  p.replace(p.find(old), old.size(), view);
  return p;
}

std::string i64(int64_t v) {  // pickle LONG1 with 8 bytes
  return "\x8a\x08"s + std::string(reinterpret_cast<const char*>(&v), 8);
}

TEST(PickleParser, AbsurdTensorViewsAreRefusedBeforeUse) {
  const int64_t huge = int64_t(1) << 40;
  // A zero stride repeats one element 2^80 times; an offset far outside the 4-element storage;
  // an offset plus extent that would overflow int64.
  for (const std::string& view :
       {"K\x00" + i64(huge) + i64(huge) + "\x86K\x00K\x00\x86"s, i64(huge) + "K\x01\x85K\x01\x85"s,
        "K\x03" + i64(int64_t(1) << 62) + "\x85" + i64(int64_t(1) << 62) + "\x85"s}) {
    try {
      parse(withView(view));
      FAIL() << "an absurd view was rebuilt";
    } catch (const CheckpointError& e) {
      EXPECT_NE(std::string(e.what()).find("sample.pkl"), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(parse(withView("K\x00K\x04\x85K\x01\x85"s)));  // all four elements, flat
}

// Found by the checkpoint fuzzer (tests/fuzz/regressions/checkpoint/): a dict keyed by a tuple
// made LibTorch 1.13 throw a bare runtime_error ("Can't hash IValues with tag 'Tuple'").
TEST(PickleParser, UnhashableDictKeysAreACheckpointError) {
  try {
    parse("\x80\x02}q\x00(K\x01K\x02\x86K\x03u."s);
    FAIL() << "a tuple key was accepted";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("sample.pkl"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("unsupported dict key type Tuple"), std::string::npos)
        << e.what();
  }
}

TEST(ImageLimits, HeadersAnnouncingHugeImagesAreRefused) {
  // A PNG signature and an IHDR of 100000 x 70000 pixels, nothing after it.
  std::string png = "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"s;
  for (uint32_t v : {100000u, 70000u}) {
    for (int s = 24; s >= 0; s -= 8) png.push_back(static_cast<char>((v >> s) & 0xFF));
  }
  const auto* b = reinterpret_cast<const unsigned char*>(png.data());
  const auto size = pngJpegHeaderSize(b, png.size());
  ASSERT_TRUE(size.has_value());
  EXPECT_EQ(size->cols, 100000);
  EXPECT_EQ(size->rows, 70000);
  // A JPEG: SOI, an APP0 segment, then SOF0 with 65535 x 65535.
  const std::string jpeg =
      "\xff\xd8\xff\xe0\x00\x04"
      "ab"
      "\xff\xc0\x00\x11\x08\xff\xff\xff\xff\x01"s;
  const auto jsize =
      pngJpegHeaderSize(reinterpret_cast<const unsigned char*>(jpeg.data()), jpeg.size());
  ASSERT_TRUE(jsize.has_value());
  EXPECT_EQ(jsize->rows, 65535);
  EXPECT_EQ(jsize->cols, 65535);
  EXPECT_FALSE(pngJpegHeaderSize(b, 20).has_value());  // cut short: left to the decoder
  try {
    checkImageSize("big.png", "PNG", size->rows, size->cols);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("big.png: the PNG header announces 70000x100000"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(checkImageSize("a.dcm", "DICOM", 8192, 8192, 3), DataError);
  EXPECT_THROW(checkImageSize("a.npy", ".npy", 0, 5), DataError);
  EXPECT_NO_THROW(checkImageSize("cxr.png", "PNG", 4300, 4300));
}

}  // namespace
}  // namespace morphaeus
