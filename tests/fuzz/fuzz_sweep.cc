// Sweep files (their base is whatever file they name: the corpus points at shipped ones),
// and every cell document of what reads (pointers applied, no command run).
#include "cli/sweep/sweep_file.h"
#include "models/json_input/input_error.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    fabricplan::cli::SweepFile f = fabricplan::cli::read_sweep_file(fabricplan::fuzz::write_input(data, size));
    for (std::size_t i = 0; i < f.cell_count() && i < 64; ++i) f.cell_document(i);
  } catch (const fabricplan::InputError&) {
  }
  return 0;
}
