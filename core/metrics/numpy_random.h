// NumPy's legacy global generator (numpy.random.RandomState, MT19937), bit for bit, for the
// draws the authors' statistics script makes: `np.random.seed(s)` (init_genrand(s), s a 32-bit
// integer) and `np.random.choice(n, size, replace=True)` (legacy randint: a 32-bit draw masked
// to the smallest 2^k - 1 >= n - 1, drawn again while above n - 1).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace morphaeus {

class NumpyLegacyRandom {
 public:
  explicit NumpyLegacyRandom(uint32_t seed);  // np.random.seed(seed)

  uint32_t nextUint32();  // MT19937's genrand_int32
  // A uniform integer in [0, n), n >= 1, as legacy randint(0, n) draws it.
  int64_t randint(int64_t n);
  // np.random.choice(n, size=size, replace=True).
  std::vector<int64_t> choice(int64_t n, int64_t size);

 private:
  std::array<uint32_t, 624> state_{};
  int index_ = 624;
};

}  // namespace morphaeus
