// Time: simulation time as a strong type over an integer count of picoseconds.
//
// Integer picoseconds make event order exact and reproducible (no floating-point
// drift), and 2^63 ps is about 106 days of simulated time. Serialization delays are
// computed once per port as picoseconds per byte (see net/port.h).
#pragma once

#include <cstdint>
#include <limits>

namespace fabricplan::sim {

class Time {
 public:
  constexpr Time() = default;
  static constexpr Time from_ps(std::int64_t ps) { return Time(ps); }
  static constexpr Time from_ns(double ns) { return Time(static_cast<std::int64_t>(ns * 1e3 + 0.5)); }
  static constexpr Time from_us(double us) { return Time(static_cast<std::int64_t>(us * 1e6 + 0.5)); }
  static constexpr Time from_ms(double ms) { return Time(static_cast<std::int64_t>(ms * 1e9 + 0.5)); }
  static constexpr Time from_s(double s) { return Time(static_cast<std::int64_t>(s * 1e12 + 0.5)); }
  static constexpr Time max() { return Time(std::numeric_limits<std::int64_t>::max()); }

  constexpr std::int64_t ps() const { return ps_; }
  constexpr double ns() const { return ps_ * 1e-3; }
  constexpr double us() const { return ps_ * 1e-6; }
  constexpr double s() const { return ps_ * 1e-12; }

  constexpr Time operator+(Time o) const { return Time(ps_ + o.ps_); }
  constexpr Time operator-(Time o) const { return Time(ps_ - o.ps_); }
  constexpr Time& operator+=(Time o) { ps_ += o.ps_; return *this; }
  constexpr Time operator*(std::int64_t k) const { return Time(ps_ * k); }
  constexpr auto operator<=>(const Time&) const = default;

 private:
  constexpr explicit Time(std::int64_t ps) : ps_(ps) {}
  std::int64_t ps_ = 0;
};

// Picoseconds to put one byte on a wire of `bits_per_s`, rounded to the nearest ps.
constexpr std::int64_t ps_per_byte(double bits_per_s) {
  return static_cast<std::int64_t>(8e12 / bits_per_s + 0.5);
}

}  // namespace fabricplan::sim
