// CIFAR-10's official binary version (cifar-10-batches-bin/*.bin): records of 3073 bytes, a
// label byte then 32x32 red, green and blue planes, row by row. The teaser config's
// `data.loaders.cifar10_loader/Cifar10Loader` (missing from the authors' repository) reads the
// test batch, keeps the records of its `classes` and turns them grey as torchvision's Grayscale
// does (PIL's luma).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace morphaeus {

constexpr int kCifar10Side = 32;
constexpr std::size_t kCifar10RecordBytes = 1 + 3 * kCifar10Side * kCifar10Side;

// The ten class names in label order (batches.meta.txt).
const std::vector<std::string>& cifar10ClassNames();

// The label of a class name; upstream's teaser config writes `car` for `automobile` (accepted).
// -1 for an unknown name.
int cifar10Label(const std::string& name);

struct Cifar10Batch {
  std::vector<std::uint8_t> labels;  // one per record
  std::vector<std::uint8_t> grey;    // 32 x 32 PIL luma per record
  std::size_t size() const { return labels.size(); }
};

// Reads a batch file. DataError naming the file when it is missing, empty, not a whole number of
// 3073-byte records, or holds a label above 9 (with the record).
Cifar10Batch readCifar10Batch(const std::string& path);

}  // namespace morphaeus
