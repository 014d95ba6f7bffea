// The synthetic data's random numbers: splitmix64-based uniform and Box-Muller normal draws,
// fixed by this code (not by the standard library), so every platform makes the same images.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace morphaeus {

class SyntheticRng {
 public:
  explicit SyntheticRng(std::uint64_t seed) : state_(seed) {}
  double uniform(double lo = 0.0, double hi = 1.0) {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return lo + (hi - lo) * (static_cast<double>(z >> 11) * (1.0 / 9007199254740992.0));
  }
  double normal() {  // Box-Muller
    const double u1 = std::max(uniform(), 1e-12), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * 3.14159265358979323846 * u2);
  }
  // An integer in [0, n).
  int below(int n) { return std::min(n - 1, static_cast<int>(uniform(0.0, n))); }

 private:
  std::uint64_t state_;
};

}  // namespace morphaeus
