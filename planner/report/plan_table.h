// The per-class table shared by the text and Markdown reports (one source of columns).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "planner/format_text.h"
#include "planner/plan.h"

namespace fabricplan {

using Table = std::vector<std::vector<std::string>>;  // first row: header

// The engine column appears whenever an engine ran (`plan.engine`).
Table class_table(const GroupResult& group, const PlanResult& plan);
// Columns padded to their widest cell, a rule under the header, two spaces of indent.
void print_table(std::ostream& os, const Table& t);
std::string split_summary(const GroupResult& group);
// "moe_all2all: 1.2 M packets, 3 drops, 0 timeouts (0 spurious), 0 retransmitted; longest
// queue 12.3 us at leaf2->host128": one class's transport figures from a packet run.
std::string engine_transport_line(const EngineTransportStats& t);

}  // namespace fabricplan
