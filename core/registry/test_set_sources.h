// The downstream data loaders that read a public data set's own files instead of split CSVs:
// CIFAR-10's binary test batch (the teaser config's Cifar10Loader, missing upstream) and CelebA's
// local copy (upstream downloads it from a hub at run time). Each says where it looked and where
// the data comes from when it is not on disk, so that the task is skipped with that warning.
#pragma once

#include "core/registry/data_factory.h"

namespace morphaeus {

// Default places under the data root (else the working directory), as torchvision's roots.
inline constexpr const char* kDefaultCifar10Dir = "./data/cifar-10-batches-bin";
inline constexpr const char* kDefaultCelebaDir = "./data/celeba";

TestSetSource cifar10TestSource();
TestSetSource celebaTestSource();

}  // namespace morphaeus
