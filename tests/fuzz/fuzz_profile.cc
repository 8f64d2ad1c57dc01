// Calibration profiles (what --calibration and calibrate merge read).
#include "calib/profile.h"
#include "models/json_input/input_error.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    fabricplan::CalibrationProfile p = fabricplan::load_calibration_profile(fabricplan::fuzz::write_input(data, size));
    p.per_nic_bandwidth_bytes_per_s();
    p.multi_rail_efficiency();
  } catch (const fabricplan::InputError&) {
  }
  return 0;
}
