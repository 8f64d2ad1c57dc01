#include "planner/format_text.h"

#include <cstdio>

#include "models/units/units.h"

namespace fabricplan {

std::string format_gbit(double bytes_per_s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f Gbit/s", units::bytes_per_s_to_gbit_per_s(bytes_per_s));
  return buf;
}

std::string format_percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100 * fraction);
  return buf;
}

std::string format_us(double us) {
  char buf[64];
  if (us >= 1e6) std::snprintf(buf, sizeof buf, "%.2f s", us * 1e-6);
  else if (us >= 1e3) std::snprintf(buf, sizeof buf, "%.2f ms", us * 1e-3);
  else std::snprintf(buf, sizeof buf, "%.1f us", us);
  return buf;
}

}  // namespace fabricplan
