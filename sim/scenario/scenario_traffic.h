// Parsing of a scenario's traffic entries (open-loop and transport messages).
#pragma once

#include <string>

#include "models/json_input/json_reader.h"
#include "sim/scenario/scenario.h"

namespace fabricplan::sim {

TrafficSpec read_traffic(const JsonNode& n, const std::string& dir, const TopologySpec& topo);

}  // namespace fabricplan::sim
