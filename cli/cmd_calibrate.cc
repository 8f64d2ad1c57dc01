// `fabricplan calibrate import FILE... -o PROFILE.json`
// `fabricplan calibrate gpu -o PROFILE.json [--max-bytes N]`
// `fabricplan calibrate merge PROFILE... -o PROFILE.json`
// `fabricplan calibrate collectives -o PROFILE.json [--max-bytes N] [--gpus N]` (NCCL, one host)
// (`calibrate server` / `calibrate client`: cmd_calibrate_net.cc.)
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <iterator>
#include <string>

#include "calib/importers.h"
#include "calib/collectives_bench_input.h"
#include "calib/profile_writer.h"
#include "cli/args.h"
#include "cli/command.h"
#include "cli/guard.h"
#include "cli/output.h"
#include "models/json_input/json_reader.h"
#ifdef FABRICPLAN_HAVE_CUDA
#include "calib/gpu/gpu_bench.h"
#endif
#ifdef FABRICPLAN_HAVE_NCCL
#include "calib/nccl/nccl_bench.h"
#endif

namespace fabricplan::cli {
namespace {

int calibrate_import(const std::vector<std::string>& rest) {
  Args args(spec_of("calibrate import"), rest);
  if (args.help_printed()) return kExitOk;
  if (args.positionals().empty()) throw UsageError("calibrate import needs one or more log files");
  calib::ImportedLogs logs;
  for (const auto& f : args.positionals()) {
    switch (calib::detect_log(f)) {
      case calib::LogKind::kNcclTests: logs.collectives.push_back(calib::import_nccl_tests(f)); break;
      case calib::LogKind::kFiPingpong: logs.point_to_point.push_back(calib::import_fi_pingpong(f)); break;
      case calib::LogKind::kIbWriteBw: logs.point_to_point.push_back(calib::import_ib_write_bw(f)); break;
      case calib::LogKind::kUnknown:
        throw InputError(f, "", "a nccl-tests, fi_pingpong or ib_write_bw log", "none of their header lines");
    }
  }
  std::optional<std::string> out = args.get("-o");
  if (!out) out = args.get("--output");
  const std::string profile = calib::imported_profile_json(logs);
  emit(out, profile);
  if (auto csv = args.get("--csv")) emit(csv, calib::profile_sweeps_csv(profile));
  // Say what was imported and what came of it (stderr: stdout may be the profile).
  const nlohmann::json p = nlohmann::json::parse(profile);
  for (const auto& n : p["nics"]) {
    std::fprintf(stderr, "imported %s: %zu sizes, %s bandwidth %.2f GB/s (%.2f Gbit/s)%s\n",
                 n["name"].get<std::string>().c_str(), n["sweep"].size(), n.contains("fit") ? "fitted" : "measured (one size, no fit)",
                 n["bandwidth_bytes_per_s"].get<double>() / 1e9,
                 n["bandwidth_bytes_per_s"].get<double>() * 8 / 1e9,
                 n.contains("latency_us") ? (", latency " + std::to_string(n["latency_us"].get<double>()) + " us").c_str()
                                          : ", no latency (bandwidth-only log)");
  }
  for (const auto& c : p["collectives"]) {
    std::fprintf(stderr, "imported nccl-tests %s: %d ranks, %zu sizes, large-message busbw %.2f GB/s\n",
                 c["op"].get<std::string>().c_str(), c["ranks"].get<int>(), c["sweep"].size(),
                 c["large_message_busbw_bytes_per_s"].get<double>() / 1e9);
  }
  return kExitOk;
}

int calibrate_collectives(const std::vector<std::string>& rest) {
  Args args(spec_of("calibrate collectives"), rest);
  if (args.help_printed()) return kExitOk;
  std::optional<std::string> out = args.get("-o");
  if (!out) out = args.get("--output");
  // --from BENCH.json: the profile of a benchmark run recorded elsewhere (e.g. on a GPU
  // machine by bench/gpu/run_collectives_on_device.sh), without running anything here.
  if (auto from = args.get("--from")) {
    emit(out, calib::intra_node_profile_json(calib::read_collectives_bench(*from)));
    return kExitOk;
  }
#ifdef FABRICPLAN_HAVE_NCCL
  calib::CollectivesBenchOptions o;
  o.max_bytes = args.unsigned_in("--max-bytes", 4096, ~0ull).value_or(o.max_bytes);
  if (auto g = args.unsigned_in("--gpus", 1, 1024)) o.gpus = static_cast<int>(*g);
  std::string intra = calib::run_collectives_bench_json(o);
#else
  std::string intra =
      "{\"available\": false, \"unavailable_reason\": \"this fabricplan was built without NCCL (no nccl.h / libnccl "
      "found at configure time, or no CUDA toolkit)\"}";
#endif
  std::string profile = calib::intra_node_profile_json(intra);
  emit(out, profile);
  if (intra.find("\"available\": true") == std::string::npos) {
    std::fprintf(stderr, "fabricplan calibrate collectives: unavailable (the profile records why)\n");
    return kExitFailure;
  }
  return kExitOk;
}

int calibrate_merge(const std::vector<std::string>& rest) {
  Args args(spec_of("calibrate merge"), rest);
  if (args.help_printed()) return kExitOk;
  if (args.positionals().size() < 2) throw UsageError("calibrate merge needs two or more profiles");
  std::optional<std::string> out = args.get("-o");
  if (!out) out = args.get("--output");
  emit(out, calib::merged_profile_json(args.positionals(), args.has("--allow-mixed")));
  return kExitOk;
}

int calibrate_gpu(const std::vector<std::string>& rest) {
  Args args(spec_of("calibrate gpu"), rest);
  if (args.help_printed()) return kExitOk;
  std::optional<std::string> out = args.get("-o");
  if (!out) out = args.get("--output");
#ifdef FABRICPLAN_HAVE_CUDA
  unsigned long long max_bytes = args.unsigned_in("--max-bytes", 4096, ~0ull).value_or(256ull << 20);
  calib::GpuBenchResult r = calib::run_gpu_bench(4096, max_bytes);
  emit(out, calib::gpu_profile_json(calib::gpu_bench_json(r), r.available));
  if (!r.available) {
    std::fprintf(stderr, "fabricplan calibrate gpu: GPU unavailable: %s (profile records it)\n", r.unavailable_reason.c_str());
    return kExitFailure;
  }
  return kExitOk;
#else
  emit(out, calib::gpu_profile_json(
                "{\"available\": false, \"unavailable_reason\": \"this fabricplan was built without CUDA (no toolkit found at configure time)\"}",
                false));
  std::fprintf(stderr, "fabricplan calibrate gpu: unavailable: built without CUDA (profile records it)\n");
  return kExitFailure;
#endif
}

}  // namespace

int run_calibrate(const std::vector<std::string>& argv) {
  return guarded("calibrate", usage_of("calibrate"), [&] {
    if (argv.empty()) throw UsageError("calibrate needs a mode: import, gpu, collectives, server, client or merge");
    if (argv[0] == "--help" || argv[0] == "-h") {
      std::fputs(help_of("calibrate").c_str(), stdout);
      return kExitOk;
    }
    std::vector<std::string> rest(argv.begin() + 1, argv.end());
    const std::string& mode = argv[0];
    if (mode == "import") return calibrate_import(rest);
    if (mode == "gpu") return calibrate_gpu(rest);
    if (mode == "merge") return calibrate_merge(rest);
    if (mode == "collectives") return calibrate_collectives(rest);
    if (mode == "server" || mode == "client") return run_calibrate_net(mode, rest);
    throw UsageError("unknown calibrate mode \"" + mode + "\" (import, gpu, collectives, server, client, merge)");
  });
}

}  // namespace fabricplan::cli
