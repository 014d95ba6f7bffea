#include "core/registry/synthetic_data_keys.h"

namespace morphaeus {

const KeyTable<SyntheticOptions>& syntheticDataKeys() {
  using O = SyntheticOptions;
  static const KeyTable<O> keys = [] {
    KeyTable<O> k;
    k.path("out", &O::out).require().describe("folder for images/, masks/ and splits/");
    k.integer("n_train", &O::n_train).atLeast(1);
    k.integer("n_val", &O::n_val).atLeast(1);
    k.integer("n_test", &O::n_test).atLeast(1);
    k.integer("n_abnormal", &O::n_abnormal).atLeast(1);
    k.integer("n_ood", &O::n_ood)
        .atLeast(0)
        .describe(
            "images of each out-of-distribution family (digits, shapes: "
            "splits/<family>_test.csv) for the figures; 0: none");
    k.integer("size", &O::size).atLeast(16).describe("image side in pixels");
    k.integer("seed", &O::seed).atLeast(0);
    return k;
  }();
  return keys;
}

}  // namespace morphaeus
