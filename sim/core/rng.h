// Named, seeded random streams. Each stream is xoshiro256** seeded by splitmix64 from
// (scenario seed, FNV-1a hash of the stream name), so adding a stream never shifts
// another's numbers, and results are identical across compilers (no std::
// distributions, whose outputs are implementation-defined).
#pragma once

#include <cstdint>
#include <string_view>

namespace fabricplan::sim {

class Rng {
 public:
  Rng(std::uint64_t seed, std::string_view stream_name);

  std::uint64_t next_u64();
  // Uniform integer in [0, n), by Lemire's multiply-shift with rejection (unbiased).
  std::uint64_t below(std::uint64_t n);
  // Uniform double in [0, 1) with 53 random bits.
  double uniform();
  // Exponential with the given mean (inverse transform).
  double exponential(double mean);

 private:
  std::uint64_t s_[4];
};

std::uint64_t fnv1a64(std::string_view s);
std::uint64_t splitmix64(std::uint64_t& state);

}  // namespace fabricplan::sim
