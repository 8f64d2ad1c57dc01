// Scenario files: parse, and build the schedule of what parses (every traffic pattern's
// generator sees the values); the engines themselves are exercised by the tests.
#include "models/json_input/input_error.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_schedule.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    fabricplan::sim::Scenario s = fabricplan::sim::parse_scenario(fabricplan::fuzz::write_input(data, size));
    if (fabricplan::sim::expected_packet_events(s) < 1e6) fabricplan::sim::scenario_schedule(s);
  } catch (const fabricplan::InputError&) {
  }
  return 0;
}
