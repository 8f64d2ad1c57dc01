// `fabricplan doctor LOG... [--instance TYPE] [--nodes N] [--format text|json]`: holds
// nccl-tests logs against `expect` and names the likely causes of what is off, with
// their evidence. Exit code for acceptance scripts: 0 pass, 3 warn, 4 fail (1 and 2 keep
// their meaning).
//
// Findings (each a line with its evidence):
//   tcp_fallback   NCCL INFO lines naming the Socket transport or the tcp/sockets
//                  provider, or large-message busbw in the 10-25 GB/s band where the
//                  model expects at least twice that (what EFA users see when NCCL runs
//                  over TCP) -> fail
//   fewer_nics     NCCL INFO lines listing fewer NICs than the instance has -> warn
//   gpu_mismatch   rank lines name another GPU than the instance's -> warn
//   low_bandwidth  large-message (>= 64 MiB) busbw below 70% of the model's (fail below
//                  40%)
//   latency_floor  small-message (<= 64 KiB) time above 2x the model's -> warn
//   cross_rail     "Channel ... r[gpu] -> ... [send] via NET/<plugin>/<nic>" lines where
//                  the NIC is not one the catalog lists as local to that GPU (traffic
//                  crosses PCIe switches or the CPU: NCCL_CROSS_NIC, a wrong topology
//                  file) -> warn
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "calib/importers.h"
#include "cli/args.h"
#include "cli/collective_tiers.h"
#include "cli/command.h"
#include "cli/doctor_instance.h"
#include "cli/guard.h"
#include "cli/output.h"
#include "models/catalog/catalog.h"
#include "models/json_input/input_file.h"
#include "models/json_input/report_fields.h"

namespace fabricplan::cli {
namespace {

constexpr int kExitWarn = 3;
constexpr int kExitFail = 4;

struct Finding {
  std::string file, code, severity, evidence;  // severity: warn | fail
};

// What NCCL_DEBUG=INFO lines say about the network, when they are there.
struct LogFacts {
  std::string transport;       // "efa", "ib", "socket", "tcp", "" (not logged)
  std::string transport_line;
  std::set<std::string> nics;  // devices NCCL says it uses
  std::set<std::string> hosts; // "# Rank ... on HOST" lines
  std::string instance_hint;   // an instance type named anywhere in the log
  std::vector<std::pair<int, int>> gpu_nic;  // (local GPU, NIC index) of network sends
  std::vector<std::string> gpu_nic_lines;    // the line of each pair above
  int nics_found = -1;          // aws-ofi-nccl's "Selected Provider is efa (found N nics)"
  std::string nics_found_line;
  std::set<int> net_devices;    // NET/<plugin>/<index> devices network sends go through
  std::string gpu;              // the GPU model of the first rank line that names one
  std::string gpu_line;
};

// N of "(found N nics)" in aws-ofi-nccl's provider line, or -1.
int found_nics(const std::string& line) {
  const std::size_t at = line.find("(found ");
  if (at == std::string::npos) return -1;
  char* end = nullptr;
  const long n = std::strtol(line.c_str() + at + 7, &end, 10);
  return end != line.c_str() + at + 7 && std::strncmp(end, " nic", 4) == 0 && n >= 0 && n < 4096 ? static_cast<int>(n) : -1;
}

// "... 3[3] -> 11[3] [send] via NET/AWS Libfabric/2/GDRDMA": the sender's local GPU (in
// brackets) and the NIC index after the plugin's name; false if the line is not one.
bool parse_net_send(const std::string& line, int& gpu, int& nic) {
  const std::size_t via = line.find("[send] via NET/"), arrow = line.find(" -> ");
  if (via == std::string::npos || arrow == std::string::npos || arrow > via) return false;
  const std::size_t open = line.rfind('[', arrow), close = line.find(']', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos || close > arrow) return false;
  const std::size_t name_end = line.find('/', via + 15);
  if (name_end == std::string::npos) return false;
  char* end = nullptr;
  gpu = static_cast<int>(std::strtol(line.c_str() + open + 1, &end, 10));
  if (end != line.c_str() + close) return false;
  nic = static_cast<int>(std::strtol(line.c_str() + name_end + 1, &end, 10));
  return end != line.c_str() + name_end + 1;
}

LogFacts scan(const std::string& path, const Catalog& catalog) {
  LogFacts f;
  // Lines are read one by one, bounded (input_file.h), and only searched for fixed
  // strings (no regex over unbounded input).
  for_each_input_line(path, kMaxLogInputBytes, "log file", [&](std::size_t, std::string_view text) {
    const std::string line(text.substr(0, 4096));
    auto has = [&](const char* s) { return line.find(s) != std::string::npos; };
    if (has("NCCL INFO")) {
      if (has("NET/Socket") || has("Using network Socket")) {
        f.transport = "socket";
        f.transport_line = line;
      } else if ((has("Selected Provider is") || has("Selected provider is")) && (has(" tcp") || has("sockets"))) {
        f.transport = "tcp";
        f.transport_line = line;
      } else if (has("Selected Provider is efa") || has("Selected provider is efa") || has("Using network AWS Libfabric")) {
        if (f.transport.empty()) f.transport = "efa", f.transport_line = line;
      } else if (has("Using network IB") || has("NET/IB : Using")) {
        if (f.transport.empty()) f.transport = "ib", f.transport_line = line;
      }
      if (const int n = found_nics(line); n >= 0 && f.nics_found < 0) {
        f.nics_found = n;
        f.nics_found_line = line;
      }
      int gpu = 0, nic = 0;
      if (parse_net_send(line, gpu, nic)) {
        f.gpu_nic.emplace_back(gpu, nic);
        f.gpu_nic_lines.push_back(line);
        f.net_devices.insert(nic);
      }
      // Devices: "[0]mlx5_0:1/IB" or "rdmap16s27" names.
      for (const char* prefix : {"rdmap", "mlx5_", "efa_"}) {
        for (std::size_t at = line.find(prefix); at != std::string::npos; at = line.find(prefix, at + 1)) {
          std::size_t end = at;
          while (end < line.size() && (std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '_')) ++end;
          f.nics.insert(line.substr(at, end - at));
        }
      }
    }
    if (line.rfind("#  Rank", 0) == 0 && has(" on ")) {
      std::istringstream ls(line.substr(line.find(" on ") + 4));
      std::string host;
      ls >> host;
      f.hosts.insert(host);
      if (f.gpu.empty()) {
        f.gpu = rank_line_gpu(line);
        if (!f.gpu.empty()) f.gpu_line = line;
      }
    }
    if (f.instance_hint.empty()) {
      for (const auto& name : catalog.names()) {
        if (has(name.c_str())) f.instance_hint = name;
      }
    }
  });
  return f;
}

}  // namespace

int run_doctor(const std::vector<std::string>& argv) {
  return guarded("doctor", usage_of("doctor"), [&]() -> int {
    Args args(spec_of("doctor"), argv);
    if (args.help_printed()) return kExitOk;
    if (args.positionals().empty()) throw UsageError("doctor needs one or more nccl-tests logs");
    const std::string format = args.get_or("--format", "text");
    if (format != "text" && format != "json") throw UsageError("--format must be text or json");
    Catalog catalog = Catalog::load(Catalog::default_path());
    std::vector<Finding> findings;
    nlohmann::ordered_json logs = nlohmann::ordered_json::array();
    std::ostringstream text;
    for (const std::string& path : args.positionals()) {
      calib::CollectiveRun run = calib::import_nccl_tests(path);  // line-numbered errors on bad logs
      LogFacts facts = scan(path, catalog);
      std::string instance = args.get_or("--instance", facts.instance_hint);
      std::string inferred_from;
      if (instance.empty() && !facts.gpu.empty()) {
        // H100 ranks and "found 32 nics": a p5. The NIC count settles what the GPU leaves open.
        const int nics = facts.nics_found >= 0 ? facts.nics_found : facts.nics.empty() ? -1 : static_cast<int>(facts.nics.size());
        const auto candidates = instances_matching(catalog, facts.gpu, nics);
        if (candidates.size() == 1) {
          instance = candidates.front();
          inferred_from = facts.gpu + (nics >= 0 ? " with " + std::to_string(nics) + " NICs" : "");
        } else if (candidates.size() > 1) {
          std::string list;
          for (const auto& c : candidates) list += (list.empty() ? "" : ", ") + c;
          throw UsageError(path + ": " + facts.gpu + " ranks fit " + list + "; give --instance TYPE");
        }
      }
      if (instance.empty()) {
        throw UsageError(path + ": the log names no instance type" +
                         (facts.gpu.empty() ? "" : " and no catalog type has its " + facts.gpu) + "; give --instance TYPE");
      }
      collective::NodeTiers tiers = collective_tiers(instance, args.get("--calibration"), true);
      int nodes = static_cast<int>(args.unsigned_in("--nodes", 1, 1 << 16).value_or(0));
      if (nodes == 0) nodes = !facts.hosts.empty() ? static_cast<int>(facts.hosts.size()) : std::max(1, run.ranks / tiers.gpus);
      if (run.ranks > 0 && run.ranks != nodes * tiers.gpus) tiers.gpus = std::max(1, run.ranks / nodes);
      collective::Op op;
      if (!collective::parse_op(run.op, op)) {
        throw UsageError(path + ": doctor knows all_reduce, all_gather, reduce_scatter, alltoall and sendrecv logs, not " + run.op);
      }
      auto add = [&](const std::string& code, const std::string& severity, const std::string& evidence) {
        findings.push_back({path, code, severity, evidence});
      };
      nlohmann::ordered_json rows = nlohmann::ordered_json::array();
      double large_ratio = 0, large_busbw = 0, large_model = 0, large_bytes = 0, worst_latency = 0, latency_bytes = 0;
      double latency_meas = 0, latency_model = 0;
      for (const auto& r : run.rows) {
        collective::Prediction p = collective::predict(op, static_cast<double>(r.bytes), nodes, tiers);
        rows.push_back({{"size_bytes", r.bytes}, {"time_us", r.time_us}, {"model_time_us", p.time_us},
                        {"busbw_bytes_per_s", r.busbw_bytes_per_s}, {"model_busbw_bytes_per_s", p.busbw_bytes_per_s},
                        {"model_algorithm", p.algorithm}, {"model_protocol", p.protocol}});
        if (r.bytes >= (64u << 20) && r.bytes >= large_bytes && p.busbw_bytes_per_s > 0) {
          large_bytes = static_cast<double>(r.bytes);
          large_busbw = r.busbw_bytes_per_s;
          large_model = p.busbw_bytes_per_s;
          large_ratio = r.busbw_bytes_per_s / p.busbw_bytes_per_s;
        }
        if (r.bytes <= 65536 && r.time_us / p.time_us > worst_latency) {
          worst_latency = r.time_us / p.time_us;
          latency_bytes = static_cast<double>(r.bytes);
          latency_meas = r.time_us;
          latency_model = p.time_us;
        }
      }
      char ev[512];
      const bool tcp_logged = facts.transport == "socket" || facts.transport == "tcp";
      const bool tcp_band = large_bytes > 0 && large_busbw >= 10e9 && large_busbw <= 25e9 && large_model >= 2 * large_busbw;
      if (tcp_logged || tcp_band) {
        std::snprintf(ev, sizeof ev, "%s%s%.2f GB/s busbw at %.0f bytes where the model expects %.2f GB/s",
                      tcp_logged ? "NCCL uses " : "", tcp_logged ? (facts.transport + " (\"" + facts.transport_line.substr(0, 120) + "\"); ").c_str() : "",
                      large_busbw / 1e9, large_bytes, large_model / 1e9);
        add("tcp_fallback", "fail", std::string(ev) + ": NCCL is not on EFA/IB (check FI_PROVIDER=efa, the aws-ofi-nccl plugin and NCCL_NET)");
      } else if (large_bytes > 0 && large_ratio < 0.7) {
        std::snprintf(ev, sizeof ev, "busbw %.2f GB/s at %.0f bytes is %.0f%% of the model's %.2f GB/s", large_busbw / 1e9,
                      large_bytes, 100 * large_ratio, large_model / 1e9);
        add("low_bandwidth", large_ratio < 0.4 ? "fail" : "warn", ev);
      }
      if (large_bytes > 0 && large_ratio > 1.3) {
        // Faster than this hardware can go: the log is from other hardware, or --instance
        // or --nodes do not describe it (H100 ranks judged as p4d passed at 591%).
        std::snprintf(ev, sizeof ev,
                      "busbw %.2f GB/s at %.0f bytes is %.0f%% of the model's %.2f GB/s for %d x %s: faster than that "
                      "hardware can run; the log is from other hardware, or --instance / --nodes do not describe it",
                      large_busbw / 1e9, large_bytes, 100 * large_ratio, large_model / 1e9, nodes, instance.c_str());
        add("faster_than_model", "warn", ev);
      }
      const InstanceType* it = catalog.find(instance);
      if (it != nullptr && !facts.gpu.empty() && !same_gpu(facts.gpu, it->accelerator)) {
        add("gpu_mismatch", "warn", "the ranks run on " + facts.gpu + ", " + instance + " has " + it->accelerator + " (\"" +
                                        facts.gpu_line.substr(0, 120) + "\"): the model judges other hardware");
      }
      // How many NICs NCCL uses, by the most direct evidence the log has: aws-ofi-nccl's
      // "found N nics", else the device names listed (the NET devices of the channel
      // lines are reported, not judged: a few channels show only some of the NICs).
      int used = -1;
      std::string evidence;
      if (facts.nics_found >= 0) {
        used = facts.nics_found;
        evidence = "aws-ofi-nccl found " + std::to_string(used) + " NICs (\"" + facts.nics_found_line.substr(0, 120) + "\")";
      } else if (!facts.nics.empty()) {
        used = static_cast<int>(facts.nics.size());
        evidence = "NCCL INFO lines name " + std::to_string(used) + " NICs";
      }
      if (it != nullptr && used >= 0 && used < it->interfaces) {
        add("fewer_nics", "warn", evidence + "; " + instance + " has " + std::to_string(it->interfaces) +
                                      " (FI_EFA_IFACE, NCCL_IB_HCA or a failed device leaves the others out)");
      }
      if (it != nullptr && !it->accelerator_nics.empty()) {
        for (std::size_t k = 0; k < facts.gpu_nic.size(); ++k) {
          const auto [gpu, nic] = facts.gpu_nic[k];
          const std::string& cross_line = facts.gpu_nic_lines[k];
          if (gpu < 0 || gpu >= static_cast<int>(it->accelerator_nics.size())) continue;
          const auto& local = it->accelerator_nics[static_cast<std::size_t>(gpu)];
          if (std::find(local.begin(), local.end(), nic) != local.end()) continue;
          std::snprintf(ev, sizeof ev, "GPU %d sends through NIC %d, which is not local to it on %s (local: %d..%d)", gpu,
                        nic, instance.c_str(), local.front(), local.back());
          // The line that shows this very send, not the first send of the log.
          add("cross_rail", "warn", std::string(ev) + " (\"" + cross_line.substr(0, 120) + "\")");
          break;
        }
      }
      if (worst_latency > 2) {
        std::snprintf(ev, sizeof ev, "%.1f us at %.0f bytes, %.1fx the model's %.1f us", latency_meas, latency_bytes,
                      worst_latency, latency_model);
        add("latency_floor", "warn", ev);
      }
      logs.push_back({{"file", path}, {"op", run.op}, {"ranks", run.ranks}, {"instance_type", instance},
                      {"instance_inferred_from", inferred_from.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(inferred_from)},
                      {"gpu", facts.gpu.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(facts.gpu)},
                      {"nodes", nodes},
                      {"transport", facts.transport}, {"nics_named", facts.nics.size()},
                      {"nics_found", facts.nics_found >= 0 ? nlohmann::ordered_json(facts.nics_found) : nlohmann::ordered_json(nullptr)},
                      {"net_devices_used", facts.net_devices.size()}, {"rows", rows}});
      std::snprintf(ev, sizeof ev, "%s: %s, %d ranks on %d x %s%s; large-message busbw %.1f%% of the model's\n", path.c_str(),
                    run.op.c_str(), run.ranks, nodes, instance.c_str(),
                    inferred_from.empty() ? "" : (" (inferred from " + inferred_from + ")").c_str(), 100 * large_ratio);
      text << ev;
    }
    const bool fail = std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == "fail"; });
    const std::string verdict = fail ? "fail" : findings.empty() ? "pass" : "warn";
    for (const auto& f : findings) text << "  " << f.severity << " " << f.code << ": " << f.evidence << "\n";
    text << "verdict: " << verdict << "\n";
    std::optional<std::string> out = args.get("-o");
    if (!out) out = args.get("--output");
    if (format == "json") {
      nlohmann::ordered_json j;
      stamp_report_fields(j, "fabricplan.doctor", 1);
      j["verdict"] = verdict;
      j["findings"] = nlohmann::ordered_json::array();
      for (const auto& f : findings) {
        j["findings"].push_back({{"file", f.file}, {"code", f.code}, {"severity", f.severity}, {"evidence", f.evidence}});
      }
      j["logs"] = logs;
      emit(out, j.dump(2) + "\n");
    } else {
      emit(out, text.str());
    }
    return fail ? kExitFail : findings.empty() ? kExitOk : kExitWarn;
  });
}

}  // namespace fabricplan::cli
