// The arithmetic of a piece of work, counted from the shapes the operators see (not guessed):
// while a FlopCounter lives, every convolution (forward, and the input and weight gradients its
// backward computes) and every matrix product (mm, addmm, bmm) adds 2 x multiply-adds. This is the
// work a roofline compares with the machine's convolution peak; element-wise work (activations,
// norms, the warp, NCC sums, the optimiser) is not counted: it is what keeps a step below it.
#pragma once

#include <cstdint>

namespace morphaeus {

// The 2 x multiply-adds of a convolution of `input` [N, C, H, W...] with `weight` as
// aten::convolution takes them (stride, padding, dilation per spatial dim; transposed: weight is
// [C_in, C_out / groups, k...] and every input pixel meets every kernel tap).
double convolutionFlops(const int64_t* input, const int64_t* weight, int64_t dims,
                        const int64_t* stride, const int64_t* padding, const int64_t* dilation,
                        bool transposed, int64_t groups);

class FlopCounter {
 public:
  FlopCounter();  // starts counting (process-wide; one counter at a time)
  ~FlopCounter();
  FlopCounter(const FlopCounter&) = delete;
  FlopCounter& operator=(const FlopCounter&) = delete;
  double flops() const;  // counted so far

 private:
  uint64_t handle_ = 0;
};

}  // namespace morphaeus
