// Every command's options with their units and defaults (see command_spec.h).
#include <stdexcept>

#include "cli/command_spec.h"

namespace fabricplan::cli {
namespace {

const OptionSpec kOut{"-o,--output", "FILE", "write the report here, atomically (default: stdout)"};
const OptionSpec kCalibration{"--calibration", "PROFILE", "calibration profile whose measured figures replace the catalog's"};
const OptionSpec kThreads{"--threads", "N",
                          "packet engine: run on N threads, partitioned by edge switch (N > 1; the result is the same for every "
                          "N > 1 and close to the one-thread run's; default 1, sequential)"};

std::vector<CommandSpec> make_specs() {
  const std::vector<OptionSpec> scenario_common = {
      {"--format", "text|json|csv", "report format (default text; csv: simulate only, one row per class)"},
      kOut,
      {"--seed", "N", "seed of every random stream (default: the scenario's seed, else 1)"},
      {"--progress", "", "a progress line on stderr about once a second (never changes the result)"},
      kCalibration,
  };
  const OptionSpec catalog{"--catalog", "FILE", "instance catalog (default configs/catalog/instances.json or $FABRICPLAN_CATALOG)"};
  // A cluster spec's schedule through the engines (planner/spec_schedule.h).
  const std::vector<OptionSpec> spec_engine = {
      {"--strict", "", "SPEC: a calibration profile measured over another provider or instance type than the spec's is an error (exit 2), not a warning"},
      {"--kv-engine", "ucx|nixl|mooncake", "SPEC: the KV transfer engine, whose IB QP timeouts KV runs with (default: the spec's, else nixl)"},
      {"--kv-ib-timeout", "N", "SPEC: KV's IB local ACK timeout exponent, 4.096 us x 2^N (default: its engine's)"},
      {"--kv-ib-retry-cnt", "N", "SPEC: KV's IB retry count, 0-7 (default: its engine's)"},
      {"--nccl-ib-timeout", "N", "SPEC: NCCL_IB_TIMEOUT for the NCCL classes on IB (default: the spec's, else 20)"},
      {"--nccl-ib-retry-cnt", "N", "SPEC: NCCL_IB_RETRY_CNT (default: the spec's, else 7)"},
      {"--trace", "FILE", "SPEC: replay KV request arrivals and prompt lengths from a Mooncake JSONL or Azure LLM inference CSV trace"},
      {"--trace-rate-scale", "X|spec", "SPEC: speed the trace's arrivals up by X, or to the spec's requests_per_s (default 1)"},
      {"--trace-skip-cached-prefix", "", "SPEC: KV moves only the prompt blocks the decode side lacks (Mooncake hash_ids; prefix-aware routing)"},
      {"--window-ms", "MS", "SPEC: simulated window of the spec's schedule (default: two steps and 100 KV requests within the transfer budget; packet: one step, at most 50 ms)"},
      {"--max-transfers", "N", "SPEC: transfer budget that bounds the default window (default 150000)"},
      catalog};
  std::vector<OptionSpec> simulate = scenario_common;
  simulate.insert(simulate.begin(), {"--engine", "packet|flow", "packet DES or flow-level max-min engine (default: the scenario's \"engine\", else packet; SPEC: flow)"});
  simulate.push_back({"--flows-csv", "FILE", "also write one CSV row per flow (bytes, start/end/FCT in us)"});
  simulate.push_back(kThreads);
  simulate.insert(simulate.end(), spec_engine.begin(), spec_engine.end());
  std::vector<OptionSpec> compare = {
      {"--format", "text|json|md|html", "report format (default text; md and html: SPEC only)"}, kOut, scenario_common[2],
      scenario_common[3], kCalibration,
      {"--ib", "TYPE", "SPEC: the InfiniBand instance type to compare with (default: the catalog's of the same GPU generation)"},
      {"--engine", "flow|packet", "SPEC: the engine that confirms each fabric's split (default flow)"},
      {"--no-fault", "", "SPEC: skip the link-failure slice on the packet engine"},
      {"--slice-ms", "MS", "SPEC: length of the link-failure slice (default 2)"},
      {"--sm-reroute-ms", "MS", "SPEC: when the IB subnet manager installs new routes after the failure (default 100)"},
      {"--self-healing-ms", "MS", "SPEC: when the IB switches' local failover (self-healing) routes around it (default 1)"},
      {"--ib-routing", "static|adaptive", "SPEC: IB routes: static D-mod-K (default) or adaptive (per packet, least-loaded up-port)"},
      {"--ib-recovery", "self-healing|sm|none|all", "SPEC: the IB recovery models the link-failure slice runs (default all; the first is the headline)"}};
  compare.insert(compare.end(), spec_engine.begin(), spec_engine.end());
  std::vector<OptionSpec> plan = {{"--format", "text|md|json|html", "report format (default text)"},
                                  kOut,
                                  kCalibration,
                                  catalog,
                                  {"--fail-on", "tight|insufficient", "exit 3 when the verdict is at or past this one (for CI pipelines)"},
                                  {"--engine", "analytic|flow|packet", "what confirms the chosen NIC split in time (default flow; analytic: closed form only)"},
                                  {"--seed", "N", "seed of the schedule's random streams (default 1)"},
                                  kThreads};
  plan.insert(plan.end(), spec_engine.begin(), spec_engine.end() - 1);
  return {
      {"plan", "bandwidth and time report for a cluster spec: per class the time of one operation, utilization, busiest links, the NIC split", "SPEC", plan},
      {"catalog", "list the instance catalog", "",
       {{"--format", "text|json", "output format (default text)"},
        {"--sources", "", "show where every figure comes from"},
        {"--catalog", "FILE", "instance catalog (default configs/catalog/instances.json or $FABRICPLAN_CATALOG)"}}},
      {"expect", "what nccl-tests (or one MoE layer's dispatch/combine) should show on an instance type and node count", "",
       {{"--instance", "TYPE", "catalog instance type (required; see `fabricplan catalog`)"},
        {"--nodes", "N", "nodes (default 1)"},
        {"--op", "OP", "all_reduce|all_gather|reduce_scatter|alltoall|sendrecv|moe_dispatch|moe_combine (default all_reduce)"},
        {"--gpus-per-node", "G", "GPUs per node (default: the instance's)"},
        {"--min-bytes", "BYTES", "smallest nccl-tests size, suffix K/M/G allowed (default 8)"},
        {"--max-bytes", "BYTES", "largest size (default 8G)"},
        {"--step-factor", "F", "size multiplier between rows (default 2)"},
        kCalibration,
        {"--nvls", "on|off", "NVLink SHARP where the node has it (default on)"},
        {"--tuner", "aws-ofi|nccl", "all_reduce choice: aws-ofi-nccl's region tuner on p5/p5e, p5en, p6 (default), or NCCL's own"},
        {"--ep", "N", "MoE: expert-parallel ranks (default nodes x GPUs)"},
        {"--tokens", "T", "MoE: tokens per rank (default 4096; 128 in low_latency mode)"},
        {"--hidden", "H", "MoE: hidden size (default 7168)"},
        {"--topk", "K", "MoE: experts per token (default 8)"},
        {"--mode", "normal|low_latency", "MoE: DeepEP kernels (default normal)"},
        {"--engine", "analytic|flow|packet", "the network term from the model (default) or the collective run on an engine"},
        {"--topology", "leaf_spine|rail_optimized|fat_tree", "engines: the fabric (default leaf_spine on EFA, rail_optimized on InfiniBand)"},
        {"--radix", "R", "engines: switch ports (default 64)"},
        {"--oversubscription", "X", "engines: leaf downlink:uplink capacity (default 1)"},
        {"--link-gbit", "G", "engines: switch-to-switch link rate in Gbit/s (default 400)"},
        {"--max-events", "N", "packet engine: refuse a row estimated past N events (default 1.2e8, ~40 s)"},
        {"--seed", "N", "engines: seed of the fabric's and transport's random streams (default 1)"},
        {"--format", "text|json|csv", "output format (default text: nccl-tests' columns)"},
        kOut}},
      {"doctor", "hold nccl-tests logs against expect and name what is off (exit 0 pass, 3 warn, 4 fail)", "LOG...",
       {{"--instance", "TYPE", "catalog instance type (default: one named in the log)"},
        {"--nodes", "N", "nodes (default: the hosts in the log's rank lines)"},
        kCalibration,
        {"--format", "text|json", "output format (default text)"},
        kOut}},
      {"simulate", "simulation of a scenario, or of a cluster spec's schedule on its fabric: packet level or flow level (max-min fair rates)", "SCENARIO|SPEC", simulate},
      {"compare", "the same scenario, or a cluster spec's workload, on EFA (SRD spraying) and IB (RC, D-mod-K, lossless), side by side", "SCENARIO|SPEC", compare},
      {"sweep", "what-if grids: every cell of a sweep file, in one process or across MPI ranks (mpirun -np N)", "SWEEP",
       {{"-o,--output", "TABLE", "the table: .csv, .json or .html (default: CSV on stdout)"},
        {"--format", "csv|json|html", "table format (default: from the -o extension, else csv)"},
        {"--resume", "", "run only the cells an interrupted sweep with the same -o did not finish"},
        {"--stop-after", "N", "stop after N new cells as if killed (to test --resume)"}}},
      {"calibrate import", "calibration profile from nccl-tests, fi_pingpong and ib_write_bw logs", "LOG...",
       {kOut, {"--csv", "FILE", "also write every sweep as CSV (bytes, us, bytes/s, Gbit/s)"}}},
      {"calibrate collectives", "NCCL collectives across this host's GPUs (the NVLink tier)", "",
       {kOut,
        {"--max-bytes", "BYTES", "largest size, suffix K/M/G allowed (default 1G)"},
        {"--gpus", "N", "GPUs to use (default: all)"},
        {"--from", "BENCH.json", "make the profile of a run recorded elsewhere instead of running"}}},
      {"calibrate gpu", "CUDA copies (pinned, pageable, device) and launch latency", "",
       {kOut, {"--max-bytes", "BYTES", "largest copy, suffix K/M/G allowed (default 256M)"}}},
      {"calibrate merge", "one profile from several (every NIC kept, with its file)", "PROFILE...",
       {kOut, {"--allow-mixed", "", "merge NICs measured over different libfabric providers (refused by default)"}}},
      {"calibrate server", "the libfabric peer of calibrate client", "",
       {{"--bind", "ADDR", "address of the bootstrap TCP listener (default 0.0.0.0)"},
        {"--port", "P", "bootstrap TCP port (default 47592)"},
        {"--provider", "NAME", "libfabric provider: efa on AWS, tcp or shm anywhere (default tcp)"},
        {"--rails", "IF,...", "domains or addresses to serve (default: as many non-loopback ones as the client asks for)"},
        {"--timeout-s", "S", "how long to wait for a client and for each message (default 300)"},
        {"--sessions", "N", "client sessions to serve, then exit; 0: until killed (default 1). Connections that never "
                            "send a valid hello do not count"},
        {"--max-bytes", "BYTES", "largest message a client may ask for, suffix K/M/G allowed (default 256M)"}}},
      {"calibrate client", "latency and bandwidth per rail and all rails at once, over libfabric", "HOST",
       {kOut,
        {"--csv", "FILE", "also write every sweep as CSV (bytes, us, bytes/s, Gbit/s)"},
        {"--port", "P", "bootstrap TCP port (default 47592)"},
        {"--provider", "NAME", "libfabric provider (default tcp)"},
        {"--rails", "IF,...", "domains or addresses, one per rail (default: one default rail)"},
        {"--buffers", "host|cuda|cuda-staged", "where both ends' buffers are (default host)"},
        {"--min-bytes", "BYTES", "smallest message, suffix K/M/G allowed (default 8)"},
        {"--max-bytes", "BYTES", "largest message (default 16M)"},
        {"--bytes-per-point", "BYTES", "data moved per size before the caps (default 256M)"},
        {"--step-budget-s", "S", "wall-time budget of one size point (default 2)"},
        {"--window", "N", "messages in flight in the streaming tests (default 64)"},
        {"--iterations", "N", "ping-pong iterations per size, at most (default 1000)"},
        {"--rounds", "N", "streaming rounds per size, at most (default 1000)"},
        {"--warmup", "N", "warm-up iterations or rounds (default 10)"},
        {"--timeout-s", "S", "deadline of every wait (default 30)"},
        {"--tests", "LIST", "latency,bw,bidir,multirail (default all)"}}},
  };
}

}  // namespace

const std::vector<CommandSpec>& command_specs() {
  static const std::vector<CommandSpec> specs = make_specs();
  return specs;
}

const CommandSpec& spec_of(const std::string& name) {
  for (const auto& s : command_specs()) {
    if (s.name == name) return s;
  }
  throw std::out_of_range("no command spec " + name);
}

std::string usage_line(const CommandSpec& spec) {
  std::string u = "fabricplan " + spec.name + (spec.positionals.empty() ? "" : " " + spec.positionals);
  for (const auto& o : spec.options) {
    const std::string name = o.name.substr(0, o.name.find(','));
    u += " [" + name + (o.value.empty() ? "" : " " + o.value) + "]";
  }
  return u;
}

}  // namespace fabricplan::cli
