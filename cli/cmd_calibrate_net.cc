// `fabricplan calibrate server [--bind ADDR] [--port P] [--provider NAME] [--rails IF,...]`
// `fabricplan calibrate client HOST [--port P] [--provider NAME] [--rails IF,...] [--buffers host|cuda|cuda-staged] -o PROFILE.json`
// The libfabric benchmarks (calib/net), compiled into fabricplan-calibrate-net only,
// which is built where libfabric is found (fabricplan execs it: calibrate_net_exec.cc).
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <string>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/output.h"
#ifdef FABRICPLAN_HAVE_LIBFABRIC
#include "calib/net/bootstrap.h"
#include "calib/net/net_profile.h"
#include "calib/profile_writer.h"
#include "calib/net/net_session.h"
#endif

namespace fabricplan::cli {
namespace {

#ifdef FABRICPLAN_HAVE_LIBFABRIC
std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t comma = s.find(',', start);
    std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void log_line(const std::string& s) { std::fprintf(stderr, "calibrate: %s\n", s.c_str()); }

int server(const std::vector<std::string>& rest) {
  Args args(spec_of("calibrate server"), rest);
  if (args.help_printed()) return kExitOk;
  if (!args.positionals().empty()) throw UsageError("calibrate server takes no positional arguments");
  calib::ServerOptions o;
  o.bind = args.get_or("--bind", o.bind);
  if (auto p = args.unsigned_in("--port", 0, 65535)) o.port = static_cast<int>(*p);
  o.provider = args.get_or("--provider", o.provider);
  if (auto r = args.get("--rails")) o.rails = split_list(*r);
  if (auto t = args.unsigned_in("--timeout-s", 1, 86400)) o.accept_timeout_s = o.idle_timeout_s = static_cast<double>(*t);
  o.sessions = args.unsigned_in("--sessions", 0, 1'000'000).value_or(o.sessions);
  o.max_bytes = args.unsigned_in("--max-bytes", 1, 1ull << 30, true).value_or(o.max_bytes);
  calib::run_server(o, log_line);
  return kExitOk;
}

// The table a person reads at the end: per rail the smallest message's latency and the
// best stream and bidirectional rates; then all rails at once against their sum.
void print_summary(const calib::NetResults& r) {
  std::fprintf(stderr, "\n%-24s %14s %16s %12s %16s\n", "rail", "latency (us)", "stream (Gbit/s)", "(GB/s)",
               "bidir (Gbit/s)");
  double sum = 0;
  for (const auto& rail : r.rails) {
    double lat = rail.latency.empty() ? 0 : rail.latency.front().median_us, bw = 0, bi = 0;
    for (const auto& p : rail.stream) bw = std::max(bw, p.bytes_per_s);
    for (const auto& p : rail.bidir) bi = std::max(bi, p.bytes_per_s);
    sum += bw;
    std::fprintf(stderr, "%-24s %14.2f %16.3f %12.3f %16.3f\n", rail.choice.domain.c_str(), lat, bw * 8 / 1e9, bw / 1e9,
                 bi * 8 / 1e9);
  }
  if (r.multirail && sum > 0) {
    std::fprintf(stderr, "%-24s %14s %16.3f %12.3f   multi-rail efficiency %.1f%% of the rails' sum\n", "all at once", "",
                 r.multirail->aggregate_bytes_per_s * 8 / 1e9, r.multirail->aggregate_bytes_per_s / 1e9,
                 100 * r.multirail->aggregate_bytes_per_s / sum);
  }
}

int client(const std::vector<std::string>& rest) {
  Args args(spec_of("calibrate client"), rest);
  if (args.help_printed()) return kExitOk;
  if (args.positionals().size() != 1) throw UsageError("calibrate client needs the server's HOST");
  calib::ClientOptions o;
  o.host = args.positionals()[0];
  if (auto p = args.unsigned_in("--port", 1, 65535)) o.port = static_cast<int>(*p);
  o.provider = args.get_or("--provider", o.provider);
  if (auto r = args.get("--rails")) o.rails = split_list(*r);
  constexpr unsigned long long kGiB = 1ull << 30;
  o.min_bytes = args.unsigned_in("--min-bytes", 1, kGiB, true).value_or(o.min_bytes);
  o.max_bytes = args.unsigned_in("--max-bytes", 1, kGiB, true).value_or(o.max_bytes);
  if (o.min_bytes > o.max_bytes) throw UsageError("--min-bytes must not exceed --max-bytes");
  o.bytes_per_point = args.unsigned_in("--bytes-per-point", 1, 1024 * kGiB, true).value_or(o.bytes_per_point);
  o.window = args.unsigned_in("--window", 1, 4096).value_or(o.window);
  o.latency_iterations = args.unsigned_in("--iterations", 1, 10'000'000).value_or(o.latency_iterations);
  o.stream_rounds = args.unsigned_in("--rounds", 4, 10'000'000).value_or(o.stream_rounds);
  o.warmup = args.unsigned_in("--warmup", 0, 100'000).value_or(o.warmup);
  if (auto t = args.unsigned_in("--timeout-s", 1, 3600)) o.timeout_s = static_cast<double>(*t);
  if (auto t = args.unsigned_in("--step-budget-s", 1, 3600)) o.step_budget_s = static_cast<double>(*t);
  if (auto t = args.get("--tests")) {
    o.latency = o.stream = o.bidir = o.multirail = false;
    for (const auto& name : split_list(*t)) {
      if (name == "latency") o.latency = true;
      else if (name == "bw" || name == "stream") o.stream = true;
      else if (name == "bidir") o.bidir = true;
      else if (name == "multirail") o.multirail = true;
      else throw UsageError("--tests: expected a list of latency, bw, bidir, multirail, found \"" + name + "\"");
    }
  }
  if (auto b = args.get("--buffers")) {
    if (*b == "cuda") o.buffers = calib::BufferKind::kCuda;
    else if (*b == "cuda-staged") o.buffers = calib::BufferKind::kCudaStaged;
    else if (*b != "host") throw UsageError("--buffers: expected host, cuda or cuda-staged, found \"" + *b + "\"");
  }
  std::optional<std::string> out = args.get("-o");
  if (!out) out = args.get("--output");
  if (!out) throw UsageError("calibrate client needs -o PROFILE.json");

  // SIGTERM / SIGINT: finish the step in flight, then write what was measured.
  std::signal(SIGTERM, [](int) { calib::request_client_stop(); });
  std::signal(SIGINT, [](int) { calib::request_client_stop(); });
  calib::NetResults r = calib::run_client(o, log_line);
  if (r.measured_anything()) {
    const std::string profile = calib::net_profile_json(r);
    emit(out, profile);
    if (auto csv = args.get("--csv")) emit(csv, calib::profile_sweeps_csv(profile));
  }
  print_summary(r);
  if (!r.complete()) {
    std::fprintf(stderr, "fabricplan calibrate client: %s\n", r.error.c_str());
    if (r.measured_anything())
      std::fprintf(stderr, "fabricplan calibrate client: what was measured before the error is in %s (\"complete\": false)\n",
                   out->c_str());
    else
      std::fprintf(stderr, "fabricplan calibrate client: nothing was measured; no profile written\n");
    return kExitFailure;
  }
  return kExitOk;
}
#endif

}  // namespace

int run_calibrate_net_here(const std::string& mode, const std::vector<std::string>& rest) {
#ifdef FABRICPLAN_HAVE_LIBFABRIC
  try {
    return mode == "server" ? server(rest) : client(rest);
  } catch (const calib::FabricError& e) {
    std::fprintf(stderr, "fabricplan calibrate %s: %s\n", mode.c_str(), e.what());
    return kExitFailure;
  } catch (const calib::BootstrapError& e) {
    std::fprintf(stderr, "fabricplan calibrate %s: %s\n", mode.c_str(), e.what());
    return kExitFailure;
  }
#else
  (void)rest;
  std::fprintf(stderr, "fabricplan calibrate %s: unavailable: this fabricplan was built without libfabric "
               "(install libfabric-dev and rebuild); import fi_pingpong or ib_write_bw logs with `calibrate import`\n",
               mode.c_str());
  return kExitFailure;
#endif
}

}  // namespace fabricplan::cli
