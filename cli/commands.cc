#include "cli/command.h"

namespace fabricplan::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"plan", "bandwidth-budget report for a cluster spec",
       "fabricplan plan SPEC [--format text|md|json|html] [-o FILE] [--calibration PROFILE] "
       "[--catalog FILE]",
       run_plan},
      {"catalog", "list the instance catalog",
       "fabricplan catalog [--format text|json] [--sources] [--catalog FILE]", run_catalog},
      {"simulate", "simulation of a scenario: packet level (default) or flow level (max-min fair rates)",
       "fabricplan simulate SCENARIO [--engine packet|flow] [--format text|json] [-o FILE] [--seed N] [--progress] "
       "[--calibration PROFILE]",
       run_simulate},
      {"compare", "the same scenario on EFA (SRD spraying) and IB (RC, D-mod-K, lossless), side by side",
       "fabricplan compare SCENARIO [--format text|json] [-o FILE] [--seed N] [--progress] [--calibration PROFILE]",
       run_compare},
      {"calibrate", "measure or import calibration figures into a profile",
       "fabricplan calibrate import FILE... -o PROFILE.json | calibrate collectives -o PROFILE.json [--max-bytes N] [--gpus N] | calibrate gpu -o PROFILE.json [--max-bytes N] | "
       "calibrate server [--bind ADDR] [--port P] [--provider NAME] [--rails IF,...] | "
       "calibrate client HOST [--port P] [--provider NAME] [--rails IF,...] [--buffers host|cuda|cuda-staged] -o PROFILE.json "
       "[--min-bytes N] [--max-bytes N] [--bytes-per-point N] [--window N] [--tests latency,bw,bidir,multirail]",
       run_calibrate},
  };
  return table;
}

const char* usage_of(const std::string& name) {
  for (const Command& c : commands())
    if (name == c.name) return c.usage;
  return "";
}

}  // namespace fabricplan::cli
