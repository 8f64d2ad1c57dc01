// The per-class table shared by the text and Markdown reports (one source of columns).
#pragma once

#include <string>
#include <vector>

#include "planner/format_text.h"
#include "planner/plan.h"

namespace fabricplan {

using Table = std::vector<std::vector<std::string>>;  // first row: header

Table class_table(const GroupResult& group);
std::string split_summary(const GroupResult& group);

}  // namespace fabricplan
