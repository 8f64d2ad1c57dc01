#include "cli/command.h"

namespace fabricplan::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"plan", "bandwidth-budget report for a cluster spec",
       "fabricplan plan SPEC [--format text|md|json|html] [-o FILE] [--calibration PROFILE] "
       "[--catalog FILE] [--fail-on tight|insufficient]",
       run_plan},
      {"expect", "what nccl-tests (or one MoE layer's dispatch/combine) should show on an instance type and node count",
       "fabricplan expect --instance TYPE --nodes N --op all_reduce|all_gather|reduce_scatter|alltoall|sendrecv|"
       "moe_dispatch|moe_combine [--gpus-per-node G] [--min-bytes B] [--max-bytes B] [--step-factor F] "
       "[--calibration PROFILE] [--nvls on|off] [--ep N --tokens T --hidden H --topk K --mode normal|low_latency] "
       "[--format text|json|csv] [-o FILE]",
       run_expect},
      {"doctor", "hold nccl-tests logs against expect and name what is off (exit 0 pass, 3 warn, 4 fail)",
       "fabricplan doctor LOG... [--instance TYPE] [--nodes N] [--calibration PROFILE] [--format text|json] [-o FILE]",
       run_doctor},
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
       "fabricplan calibrate import FILE... -o PROFILE.json | calibrate collectives -o PROFILE.json [--max-bytes N] [--gpus N] [--from BENCH.json] | calibrate gpu -o PROFILE.json [--max-bytes N] | "
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
