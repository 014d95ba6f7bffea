#include "data/sets/cifar10_batch.h"

#include <fstream>
#include <iterator>

#include "data/data_error.h"
#include "data/io/pil_luma.h"

namespace morphaeus {

const std::vector<std::string>& cifar10ClassNames() {
  static const std::vector<std::string> names = {
      "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
  return names;
}

int cifar10Label(const std::string& name) {
  if (name == "car") return 1;
  const auto& names = cifar10ClassNames();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<int>(i);
  return -1;
}

Cifar10Batch readCifar10Batch(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot open the CIFAR-10 batch");
  const std::vector<unsigned char> bytes(std::istreambuf_iterator<char>(in), {});
  if (bytes.empty()) throw DataError(path + ": empty CIFAR-10 batch file");
  if (bytes.size() % kCifar10RecordBytes != 0) {
    throw DataError(path + ": " + std::to_string(bytes.size()) +
                    " bytes, not a whole number of 3073-byte CIFAR-10 records (a label byte and "
                    "32x32x3 pixels); is it the binary version (cifar-10-batches-bin)?");
  }
  constexpr std::size_t plane = kCifar10Side * kCifar10Side;
  Cifar10Batch batch;
  const std::size_t n = bytes.size() / kCifar10RecordBytes;
  batch.labels.resize(n);
  batch.grey.resize(n * plane);
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char* record = bytes.data() + i * kCifar10RecordBytes;
    if (record[0] > 9) {
      throw DataError(path + ": record " + std::to_string(i) + " has label " +
                      std::to_string(record[0]) + " (CIFAR-10 labels are 0 to 9)");
    }
    batch.labels[i] = record[0];
    const unsigned char* rgb = record + 1;
    for (std::size_t p = 0; p < plane; ++p)
      batch.grey[i * plane + p] = pilLuma(rgb[p], rgb[plane + p], rgb[2 * plane + p]);
  }
  return batch;
}

}  // namespace morphaeus
