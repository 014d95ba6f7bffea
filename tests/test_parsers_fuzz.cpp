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

}  // namespace
}  // namespace morphaeus
