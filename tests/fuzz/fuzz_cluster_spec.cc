// Cluster specs: parse, and plan what parses (the planner's arithmetic sees every value).
#include "models/catalog/catalog.h"
#include "models/json_input/input_error.h"
#include "planner/plan.h"
#include "planner/spec/spec_parser.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fabricplan::Catalog catalog = fabricplan::Catalog::load(fabricplan::Catalog::default_path());
  try {
    fabricplan::ClusterSpec spec = fabricplan::parse_cluster_spec(fabricplan::fuzz::write_input(data, size), catalog);
    // The engine path too, on a 2 ms window and a small budget: the flow engine at its
    // default window runs ~0.1 s per input under ASan, which left ~5 executions a second.
    fabricplan::PlanOptions options;
    options.window_s = 0.002;
    options.max_transfers = 500;
    fabricplan::make_plan(spec, catalog, nullptr, options);
  } catch (const fabricplan::InputError&) {
  }
  return 0;
}
