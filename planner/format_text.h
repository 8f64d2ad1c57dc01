// How reports and explanations write figures: rates in Gbit/s, fractions in percent,
// times in us, ms or s (whichever reads best).
#pragma once

#include <string>

namespace fabricplan {

std::string format_gbit(double bytes_per_s);  // "123.4 Gbit/s"
std::string format_percent(double fraction);  // "91%"
std::string format_us(double us);             // "12.3 us", "4.56 ms", "1.20 s"

}  // namespace fabricplan
