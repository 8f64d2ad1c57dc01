// `calibrate collectives --from`: the benchmark JSON recorded on a GPU machine, checked
// field by field and then fitted into a profile (no crash, no null or NaN written).
#include "calib/collectives_bench_input.h"
#include "calib/profile_writer.h"
#include "models/json_input/input_error.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const std::string text = fabricplan::calib::read_collectives_bench(fabricplan::fuzz::write_input(data, size));
    fabricplan::calib::intra_node_profile_json(text);
  } catch (const fabricplan::InputError&) {
  }
  return 0;
}
