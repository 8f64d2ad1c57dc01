// The arguments `simulate` and `compare` share: SCENARIO [--format text|json|csv]
// [-o FILE] [--seed N] [--progress] [--calibration PROFILE]. Reads and checks them,
// loads the scenario and applies the seed and the profile's NIC rate.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/scenario.h"

namespace fabricplan::cli {

struct ScenarioInput {
  sim::Scenario scenario;
  bool json = false;                // --format json
  bool csv = false;                 // --format csv (simulate: one row per class)
  std::optional<std::string> flows_csv;  // --flows-csv FILE (simulate: one row per flow)
  std::optional<std::string> out;   // -o / --output; stdout when absent
  bool progress = false;
  std::string engine;               // --engine packet|flow; empty: the scenario's
  bool help = false;                // --help was asked for and printed
};

// `command` names the declaration ("simulate" or "compare"); with --help the help is
// printed and `help` is set (nothing else is read).
ScenarioInput read_scenario_input(const std::string& command, const std::vector<std::string>& argv);

}  // namespace fabricplan::cli
