// CelebA's standard local copy: img_align_celeba/*.jpg and the partition list
// (list_eval_partition.txt, "000001.jpg 0" per line; or Kaggle's list_eval_partition.csv with
// the header image_id,partition). Partitions: 0 train, 1 validation, 2 test.
#pragma once

#include <string>
#include <vector>

#include "data/csv_split.h"

namespace morphaeus {

constexpr int kCelebaTestPartition = 2;

// The partition list in `folder` (the .txt, else the .csv); empty when neither exists.
std::string celebaPartitionFile(const std::string& folder);

// The images of one partition, in the list's order, as <folder>/img_align_celeba/<name>. DataError
// naming the file and line when the list is missing or a line is malformed, or when the partition
// has no image.
std::vector<SplitEntry> readCelebaPartition(const std::string& folder, int partition);

}  // namespace morphaeus
