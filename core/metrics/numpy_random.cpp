#include "core/metrics/numpy_random.h"

#include <stdexcept>

namespace morphaeus {

NumpyLegacyRandom::NumpyLegacyRandom(uint32_t seed) {
  state_[0] = seed;
  for (uint32_t i = 1; i < 624; ++i) {
    state_[i] = 1812433253u * (state_[i - 1] ^ (state_[i - 1] >> 30)) + i;
  }
  index_ = 624;
}

uint32_t NumpyLegacyRandom::nextUint32() {
  constexpr uint32_t kUpper = 0x80000000u, kLower = 0x7fffffffu, kMatrix = 0x9908b0dfu;
  if (index_ >= 624) {
    for (int k = 0; k < 624; ++k) {
      const uint32_t y = (state_[k] & kUpper) | (state_[(k + 1) % 624] & kLower);
      state_[k] = state_[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1u) != 0 ? kMatrix : 0u);
    }
    index_ = 0;
  }
  uint32_t y = state_[index_++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

int64_t NumpyLegacyRandom::randint(int64_t n) {
  if (n < 1) throw std::invalid_argument("randint: the range must hold at least one value");
  const uint64_t range = static_cast<uint64_t>(n - 1);
  if (range == 0) return 0;  // NumPy draws nothing for a single value
  if (range > 0xffffffffull) throw std::invalid_argument("randint: ranges above 2^32 unsupported");
  uint32_t mask = static_cast<uint32_t>(range);
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  if (range == 0xffffffffull) return static_cast<int64_t>(nextUint32());
  uint32_t v;
  do {
    v = nextUint32() & mask;
  } while (v > range);
  return static_cast<int64_t>(v);
}

std::vector<int64_t> NumpyLegacyRandom::choice(int64_t n, int64_t size) {
  std::vector<int64_t> out(static_cast<std::size_t>(size));
  for (auto& v : out) v = randint(n);
  return out;
}

}  // namespace morphaeus
