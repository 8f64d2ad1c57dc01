// Units and their conversions, in one place.
//
// The classic bug of this field is mixing Gbit/s (network, decimal, bits) with GB/s
// (memory, often binary, bytes). fabricplan keeps rates as double bytes per second
// everywhere inside the models and converts at the boundary with these functions
// only. Gbit/s = 1e9 bit/s; GB/s = 1e9 bytes/s; GiB = 2^30 bytes.
#pragma once

namespace fabricplan::units {

inline constexpr double kBitsPerByte = 8.0;

constexpr double gbit_per_s_to_bytes_per_s(double gbit_per_s) {
  return gbit_per_s * 1e9 / kBitsPerByte;
}
constexpr double bytes_per_s_to_gbit_per_s(double bytes_per_s) {
  return bytes_per_s * kBitsPerByte / 1e9;
}
constexpr double bytes_per_s_to_gbyte_per_s(double bytes_per_s) { return bytes_per_s / 1e9; }

inline constexpr double kKiB = 1024.0;
inline constexpr double kMiB = 1024.0 * 1024.0;
inline constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

}  // namespace fabricplan::units
