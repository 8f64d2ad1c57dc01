// The per-class table shared by the text and Markdown reports (one source of columns).
#pragma once

#include <string>
#include <vector>

#include "planner/plan.h"

namespace fabricplan {

using Table = std::vector<std::vector<std::string>>;  // first row: header

Table class_table(const GroupResult& group);
std::string format_gbit(double bytes_per_s);  // "123.4 Gbit/s"
std::string format_percent(double fraction);  // "91%"
std::string format_us(double us);             // "12.3 us", "4.56 ms", "1.20 s"
std::string split_summary(const GroupResult& group);

}  // namespace fabricplan
