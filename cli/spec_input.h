// The arguments `plan`, `simulate SPEC` and `compare SPEC` share: the catalog, the
// spec, the calibration profile, and how the spec's schedule runs on the engines
// (--engine, --window-ms, --max-transfers, --seed).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "calib/profile.h"
#include "cli/args.h"
#include "models/catalog/catalog.h"
#include "planner/plan.h"
#include "planner/spec/spec.h"

namespace fabricplan::cli {

struct SpecInput {
  std::unique_ptr<Catalog> catalog;
  std::unique_ptr<ClusterSpec> spec;
  std::optional<CalibrationProfile> profile;
  PlanOptions options;
  std::optional<std::string> out;
  std::string format = "text";
};

// `engines`: the values --engine may take here (the first is the default).
SpecInput read_spec_input(const Args& args, const std::vector<std::string>& engines,
                          const std::vector<std::string>& formats);

}  // namespace fabricplan::cli
