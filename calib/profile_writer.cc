#include "calib/profile_writer.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "calib/fit.h"
#include "calib/profile_json.h"
#include "models/json_input/input_error.h"
#include "models/json_input/input_file.h"
#include "models/json_input/json_reader.h"

namespace fabricplan::calib {
namespace {

// An alpha-beta fit needs samples at two or more message sizes.
std::size_t distinct_sizes(const std::vector<Sample>& samples) {
  std::vector<double> sizes;
  for (const auto& x : samples) sizes.push_back(x.bytes);
  std::sort(sizes.begin(), sizes.end());
  return static_cast<std::size_t>(std::unique(sizes.begin(), sizes.end()) - sizes.begin());
}

using ordered_json = nlohmann::ordered_json;

}  // namespace

std::string imported_profile_json(const ImportedLogs& logs) {
  ordered_json j;
  j["$schema"] = "https://fabricplan.dev/schema/calibration.schema.json";
  j["profile_version"] = 1;
  stamp_report(j);
  ordered_json prov = provenance("calibrate import");
  prov["sources"] = ordered_json::array();
  j["nics"] = ordered_json::array();
  ordered_json unavailable = {{{"what", "aggregate_bandwidth_bytes_per_s"}, {"why", "imported logs measure one rail at a time"}},
                              {{"what", "gpu"}, {"why", "not part of imported logs: run calibrate gpu"}}};
  j["collectives"] = ordered_json::array();
  ordered_json loggp = ordered_json::array();
  for (const auto& run : logs.point_to_point) {
    prov["sources"].push_back({{"file", run.file}, {"tool", run.tool}});
    std::vector<Sample> samples;
    ordered_json sweep = ordered_json::array();
    for (const auto& r : run.rows) {
      // fi_pingpong gives time per transfer; ib_write_bw streams, so time = bytes / bandwidth.
      double seconds = run.tool == "fi_pingpong" ? r.usec_per_xfer * 1e-6 : r.bytes / r.bytes_per_s;
      if (r.bytes > 0 && seconds > 0) samples.push_back({static_cast<double>(r.bytes), seconds});
      sweep.push_back({{"bytes", r.bytes}, {"seconds", seconds}, {"bytes_per_s", r.bytes_per_s}});
    }
    std::string name = run.tool + ":" + run.file.substr(run.file.find_last_of('/') + 1);
    ordered_json nic = {{"name", name}};
    if (distinct_sizes(samples) < 2) {
      // One message size (ib_write_bw -s N, a one-row fi_pingpong): no alpha-beta fit;
      // the measured rate stands, the latency cannot be separated from it.
      double bw = 0;
      for (const auto& r : run.rows) bw = std::max(bw, r.bytes_per_s);
      if (bw <= 0) throw InputError(run.file, "", "a result row with a bandwidth above 0", "none");
      nic["bandwidth_bytes_per_s"] = bw;
      nic["sweep"] = sweep;
      unavailable.push_back({{"what", "alpha-beta fit and latency_us of " + name},
                             {"why", "the log measures one message size: sweep sizes (ib_write_bw -a, fi_pingpong without -S)"}});
      j["nics"].push_back(nic);
      continue;
    }
    AlphaBetaFit f = fit_alpha_beta(samples);
    // ib_write_bw streams back to back: its log gives bandwidth, not a latency (the
    // smallest message's bytes / bandwidth is a serialization time, not a latency).
    if (run.tool == "fi_pingpong") {
      nic["latency_us"] = f.latency_us;
    } else {
      unavailable.push_back({{"what", "latency_us of " + name},
                             {"why", run.tool + " measures bandwidth only; import an fi_pingpong or ib_write_lat log, or run calibrate client"}});
    }
    nic["bandwidth_bytes_per_s"] = f.bandwidth_bytes_per_s;
    nic["segments"] = segments_json(f);
    nic["fit"] = fit_json(f);
    nic["sweep"] = sweep;
    j["nics"].push_back(nic);
    loggp.push_back({{"nic", name}, {"L_plus_2o_us", f.loggp_L_plus_2o_us}, {"G_ps_per_byte", f.loggp_G_ps_per_byte},
                     {"o_and_g", "not separable from these logs: calibrate client's streaming runs measure them"}});
  }
  for (const auto& run : logs.collectives) {
    prov["sources"].push_back({{"file", run.file}, {"tool", "nccl-tests " + run.op + "_perf"}});
    ordered_json sweep = ordered_json::array();
    std::vector<Sample> samples;
    for (const auto& r : run.rows) {
      sweep.push_back({{"bytes", r.bytes}, {"time_us", r.time_us}, {"algbw_bytes_per_s", r.algbw_bytes_per_s},
                       {"busbw_bytes_per_s", r.busbw_bytes_per_s}, {"in_place_time_us", r.in_place_time_us},
                       {"in_place_busbw_bytes_per_s", r.in_place_busbw_bytes_per_s}});
      if (r.bytes > 0 && r.time_us > 0) samples.push_back({static_cast<double>(r.bytes), r.time_us * 1e-6});
    }
    ordered_json c = {{"op", run.op}, {"ranks", run.ranks}, {"nccl_version", run.nccl_version},
                      {"avg_busbw_bytes_per_s", run.avg_busbw_bytes_per_s},
                      {"large_message_busbw_bytes_per_s", run.rows.back().busbw_bytes_per_s}, {"sweep", sweep}};
    if (distinct_sizes(samples) >= 2) {  // fewer: too few sizes to fit
      AlphaBetaFit f = fit_alpha_beta(samples);
      c["segments"] = segments_json(f);
      c["fit"] = fit_json(f);
    }
    j["collectives"].push_back(c);
  }
  j["provenance"] = prov;
  j["aggregate_bandwidth_bytes_per_s"] = 0;
  j["loggp"] = loggp;
  j["gpu"] = nullptr;
  j["unavailable"] = unavailable;
  return finished_profile_text(j, "the imported logs");
}

std::string gpu_profile_json(const std::string& gpu_object, bool available) {
  ordered_json j;
  j["$schema"] = "https://fabricplan.dev/schema/calibration.schema.json";
  j["profile_version"] = 1;
  stamp_report(j);
  j["provenance"] = provenance("calibrate gpu");
  j["nics"] = ordered_json::array();
  j["gpu"] = ordered_json::parse(gpu_object);
  j["unavailable"] = ordered_json::array();
  if (!available) j["unavailable"].push_back({{"what", "gpu"}, {"why", j["gpu"]["unavailable_reason"]}});
  j["unavailable"].push_back({{"what", "gpudirect"}, {"why", "needs a libfabric provider reporting FI_HMEM CUDA support"}});
  return finished_profile_text(j, "calibrate gpu's measurements");
}

}  // namespace fabricplan::calib

namespace fabricplan::calib {

std::string merged_profile_json(const std::vector<std::string>& paths, bool allow_mixed) {
  ordered_json out;
  out["$schema"] = kProfileSchemaId;
  out["profile_version"] = 1;
  stamp_report(out);
  ordered_json prov = provenance("calibrate merge");
  prov["merged"] = ordered_json::array();
  out["provenance"] = prov;
  out["complete"] = true;
  out["nics"] = ordered_json::array();
  out["aggregate_bandwidth_bytes_per_s"] = 0;
  out["gpu"] = nullptr;
  out["collectives"] = ordered_json::array();
  ordered_json unavailable = ordered_json::array();
  std::string first_provider, first_provider_file;
  for (const auto& path : paths) {
    const CalibrationProfile loaded = load_calibration_profile(path);  // full validation, with the field named on error
    // Rails measured over different providers do not describe one machine's NICs.
    if (!loaded.nics.empty() && !loaded.provider.empty()) {
      if (first_provider.empty()) {
        first_provider = loaded.provider;
        first_provider_file = path;
      } else if (loaded.provider != first_provider && !allow_mixed) {
        throw InputError(path, "/nics", "NICs measured over " + first_provider + " like " + first_provider_file +
                                            "'s (or --allow-mixed)",
                         "provider " + loaded.provider);
      }
    }
    // Read again in order, to copy it through (bounded; load_calibration_profile checked it).
    ordered_json p = ordered_json::parse(read_input_file(path, kMaxJsonInputBytes, "JSON file"));
    check_profile_values(p, path);  // nulls and non-finite numbers are not copied through
    out["provenance"]["merged"].push_back({{"file", path}, {"provenance", p["provenance"]}});
    if (p.contains("complete") && p["complete"] == false) out["complete"] = false;
    // Every profile's NICs, each saying which file it came from; the same NIC (name,
    // provider, memory) measured in two files is a conflict the user must settle.
    // All-rails-at-once figures come from the first profile that has NICs: they were
    // measured together in one run and do not add up across runs.
    if (p.contains("nics") && !p["nics"].empty()) {
      if (out["nics"].empty()) {
        for (const char* k : {"aggregate_bandwidth_bytes_per_s", "multi_rail", "loggp", "gpudirect"})
          if (p.contains(k)) out[k] = p[k];
      }
      for (ordered_json nic : p["nics"]) {
        auto key = [](const ordered_json& n) {
          return n.value("name", "") + "|" + n.value("provider", "") + "|" + n.value("memory", "host");
        };
        bool duplicate = false;
        for (const auto& kept : out["nics"]) {
          if (key(kept) != key(nic)) continue;
          ordered_json same = kept;
          same.erase("source_file");
          nic.erase("source_file");
          if (same == nic) {  // the very same measurement, e.g. a profile merged again
            duplicate = true;
            break;
          }
          throw InputError(path, "/nics", "NICs that do not conflict with another merged profile",
                           "NIC \"" + nic.value("name", "") + "\" (provider " + nic.value("provider", "?") + ", " +
                               nic.value("memory", "host") + " memory) measured differently in " +
                               kept.value("source_file", std::string("an earlier profile")));
        }
        if (duplicate) continue;
        nic["source_file"] = path;
        out["nics"].push_back(nic);
      }
    }
    if (out["gpu"].is_null() && p.contains("gpu") && p["gpu"].is_object() && p["gpu"].value("available", false))
      out["gpu"] = p["gpu"];
    if (p.contains("collectives"))
      for (const auto& c : p["collectives"]) out["collectives"].push_back(c);
    if (p.contains("intra_node") && p["intra_node"].is_object() && !out.contains("intra_node")) out["intra_node"] = p["intra_node"];
    if (p.contains("unavailable"))
      for (const auto& u : p["unavailable"]) unavailable.push_back(u);
  }
  ordered_json kept = ordered_json::array();
  for (const auto& u : unavailable) {
    std::string what = u.value("what", "");
    bool supplied = (what == "gpu" && !out["gpu"].is_null()) ||
                    (what == "aggregate_bandwidth_bytes_per_s" && out["aggregate_bandwidth_bytes_per_s"] > 0);
    if (!supplied && std::find(kept.begin(), kept.end(), u) == kept.end()) kept.push_back(u);
  }
  out["unavailable"] = kept;
  return finished_profile_text(out, "the merged profiles");
}

}  // namespace fabricplan::calib

namespace fabricplan::calib {

std::string intra_node_profile_json(const std::string& intra_node_object) {
  ordered_json j;
  j["$schema"] = kProfileSchemaId;
  j["profile_version"] = 1;
  stamp_report(j);
  ordered_json intra = ordered_json::parse(intra_node_object);
  ordered_json prov = provenance("calibrate collectives");
  prov["nccl_version"] = intra.value("nccl_version", "");
  j["provenance"] = prov;
  j["nics"] = ordered_json::array();
  j["unavailable"] = ordered_json::array();
  if (intra.value("available", false)) {
    for (auto& c : intra["collectives"]) {
      std::vector<Sample> samples;
      for (const auto& r : c["sweep"]) samples.push_back({r["bytes"].get<double>(), r["time_us"].get<double>() * 1e-6});
      c["large_message_busbw_bytes_per_s"] = c["sweep"].empty() ? 0.0 : c["sweep"].back()["busbw_bytes_per_s"].get<double>();
      if (distinct_sizes(samples) >= 2) {
        AlphaBetaFit f = fit_alpha_beta(samples);
        c["segments"] = segments_json(f);
        c["fit"] = fit_json(f);
      }
    }
    if (intra.value("gpus", 0) < 2)
      j["unavailable"].push_back({{"what", "intra_node bus bandwidth"},
                                  {"why", "one GPU: collectives never leave it (busbw is 0 by definition); run on a host with 2+ GPUs"}});
  } else {
    j["unavailable"].push_back({{"what", "intra_node"}, {"why", intra.value("unavailable_reason", "unknown")}});
  }
  j["intra_node"] = intra;
  return finished_profile_text(j, "the collectives benchmark");
}

}  // namespace fabricplan::calib

namespace fabricplan::calib {

std::string profile_sweeps_csv(const std::string& profile_json) {
  const nlohmann::json p = nlohmann::json::parse(profile_json);
  std::string out = "kind,name,test,bytes,time_us,bytes_per_s,Gbit_per_s,busbw_bytes_per_s\n";
  char line[512];
  auto row = [&](const char* kind, const std::string& name, const std::string& test, double bytes, double time_us,
                 double bytes_per_s, double busbw) {
    std::snprintf(line, sizeof line, "%s,%s,%s,%.0f,%.6f,%.6e,%.6f,%.6e\n", kind, name.c_str(), test.c_str(), bytes, time_us,
                  bytes_per_s, bytes_per_s * 8 / 1e9, busbw);
    out += line;
  };
  for (const auto& n : p.value("nics", nlohmann::json::array())) {
    const std::string name = n.value("name", "");
    const auto& sweep = n.contains("sweep") ? n["sweep"] : nlohmann::json();
    if (sweep.is_array()) {  // imported logs: one time per size
      for (const auto& s : sweep) {
        const double b = s.value("bytes", 0.0), t = s.value("seconds", 0.0);
        row("nic", name, "pingpong", b, t * 1e6, s.value("bytes_per_s", t > 0 ? b / t : 0.0), 0);
      }
    } else if (sweep.is_object()) {  // calibrate client: latency, stream, bidir sweeps
      for (const auto& s : sweep.value("latency", nlohmann::json::array())) {
        const double b = s.value("bytes", 0.0), us = s.value("median_us", 0.0);
        row("nic", name, "latency", b, us, us > 0 ? b / (us * 1e-6) : 0, 0);
      }
      for (const char* test : {"stream", "bidir"}) {
        for (const auto& s : sweep.value(test, nlohmann::json::array())) {
          const double b = s.value("bytes", 0.0), messages = s.value("messages", 0.0), sec = s.value("seconds", 0.0);
          row("nic", name, test, b, messages > 0 ? sec / messages * 1e6 : 0, s.value("bytes_per_s", 0.0), 0);
        }
      }
    }
  }
  for (const auto& c : p.value("collectives", nlohmann::json::array())) {
    for (const auto& s : c.value("sweep", nlohmann::json::array())) {
      row("collective", c.value("op", "") + "@" + std::to_string(c.value("ranks", 0)), c.value("op", ""),
          s.value("bytes", 0.0), s.value("time_us", 0.0), s.value("algbw_bytes_per_s", 0.0), s.value("busbw_bytes_per_s", 0.0));
    }
  }
  return out;
}

}  // namespace fabricplan::calib
