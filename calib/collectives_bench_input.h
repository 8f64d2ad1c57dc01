// Reading `calibrate collectives --from BENCH.json`: the JSON the NCCL collectives
// benchmark writes (calib/nccl/nccl_bench.h), recorded on another machine. It is user
// input like any other: read bounded, every field checked for type and range, errors
// that name the field (exit 2) before anything is fitted.
#pragma once

#include <string>

namespace fabricplan::calib {

// The file's text once every field is valid; throws InputError(path, pointer, ...).
std::string read_collectives_bench(const std::string& path);

}  // namespace fabricplan::calib
