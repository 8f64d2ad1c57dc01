// Logs people paste: nccl-tests, fi_pingpong, ib_write_bw, recognised and imported, and
// the profile (with its alpha-beta fits) made from what imports.
#include "calib/importers.h"
#include "calib/profile_writer.h"
#include "models/json_input/input_error.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fabricplan::calib;
  const std::string& path = fabricplan::fuzz::write_input(data, size, ".log");
  try {
    ImportedLogs logs;
    switch (detect_log(path)) {
      case LogKind::kNcclTests: logs.collectives.push_back(import_nccl_tests(path)); break;
      case LogKind::kFiPingpong: logs.point_to_point.push_back(import_fi_pingpong(path)); break;
      case LogKind::kIbWriteBw: logs.point_to_point.push_back(import_ib_write_bw(path)); break;
      case LogKind::kUnknown: return 0;
    }
    imported_profile_json(logs);
  } catch (const fabricplan::InputError&) {
  }
  return 0;
}
