// The analytical plan: spec + catalog (+ calibration) -> per group and class demand,
// budget, utilization, verdict, the chosen NIC split and the environment to set.
//
// PlanResult is plain data that every report format renders; it points into the spec
// and catalog it was made from, which must outlive it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "calib/profile.h"
#include "models/catalog/catalog.h"
#include "planner/analytic/op_time.h"
#include "planner/spec/spec.h"
#include "planner/analytic/split_search.h"
#include "planner/verdict.h"
#include "sim/scenario/run.h"

namespace fabricplan {

// A 99th percentile needs at least this many samples to be more than the largest one;
// below it reports say "max of n" and the JSON's p99 is null.
inline constexpr std::size_t kMinSamplesForP99 = 20;
// Past this relative difference between an engine's p99 and the analytic one, the
// engine's figure decides the verdict (apply_engine_verdicts).
inline constexpr double kEngineDisagreement = 0.25;


struct ClassResult {
  TrafficClass cls = TrafficClass::kKvTransfer;
  double demand_bytes_per_s = 0;
  double peak_demand_bytes_per_s = 0;
  double budget_bytes_per_s = 0;  // capacity of the interfaces this class runs on
  int interfaces = 0;
  bool shared = true;             // those interfaces also carry the other pool
  double utilization = 0;         // load on those interfaces / budget
  double peak_utilization = 0;
  double headroom_bytes_per_s = 0;
  Verdict verdict = Verdict::kComfortable;
  std::string why;
  std::vector<std::string> contributions;
  // Time (op_time.h): the analytic engine's operation time on the chosen split, and the
  // engine run's measured one where the plan ran one (engine_count > 0).
  ClassTime time;
  Verdict utilization_verdict = Verdict::kComfortable;
  std::size_t engine_count = 0, engine_incomplete = 0;
  double engine_p50_us = 0, engine_p99_us = 0;  // with fewer than kMinSamplesForP99: the max
  bool engine_p99_is_max() const { return engine_count < kMinSamplesForP99; }
  double engine_time_share = 0;           // the analytic share scaled by engine p99 / analytic p99
  double engine_analytic_ratio = 0;       // engine p99 / analytic p99 (0: not compared)
  bool verdict_from_engine = false;       // they differ by more than kEngineDisagreement: the engine decides
  std::vector<double> engine_samples_us;  // sorted, for the CDF charts
  // Where the engine's time exceeds the analytic one by more than 1.5x: the mechanism the
  // run measured behind it (timeouts, drops, a queue at a named link, a busy link).
  std::string engine_mechanism;
};

// A directed fabric link among a group's busiest in the engine run.
struct BusyLinkResult {
  std::string link;                  // "leaf3->spine1"
  double utilization = 0;            // over the run
  std::vector<std::string> classes;
};

// One setting in one process's environment, and whether it really selects the NICs or
// only states intent (a library that does not read it, or a fallback).
struct Setting {
  std::string process;   // "KV transfer engine", "NCCL (aws-ofi-nccl)", "Neuron runtime"
  std::string variable, value;
  bool selects = true;
  std::string note;
};

struct Recommendation {
  std::vector<std::pair<std::string, std::string>> env;  // variable, value (those that select, one per name)
  std::vector<Setting> settings;                          // per process, selecting or advisory
  std::string pod_yaml;                                   // Kubernetes resources per pod of the role
  std::vector<std::pair<std::string, int>> pod_resources;  // "kv-transfer pod", EFA count
  std::string resource_name;                               // vpc.amazonaws.com/efa
  std::vector<std::string> notes;
};

struct GroupResult {
  const NodeGroupSpec* spec = nullptr;
  const InstanceType* instance = nullptr;
  double per_interface_bytes_per_s = 0;  // effective payload bandwidth of one interface
  std::string bandwidth_source;           // "catalog" or "calibration: FILE"
  std::vector<ClassResult> classes;
  SplitChoice split;
  bool split_explicit = false;
  Recommendation recommendation;
  Verdict verdict = Verdict::kComfortable;
  std::string why;
  double fabric_factor = 1;          // min(1, leaf uplink share / NIC total)
  std::vector<BusyLinkResult> busiest_links;  // from the engine run (empty: none ran)
};

// What the packet engine's transport and fabric did to one traffic class over the whole
// run (all groups): why its measured times are what they are.

struct EngineTransportStats {
  std::string cls;                    // traffic class name
  std::uint64_t packets_sent = 0;     // data packets, retransmissions included
  std::uint64_t drops = 0;            // its data packets and ACKs dropped
  std::uint64_t timeouts = 0, spurious_timeouts = 0, retransmissions = 0;
  std::uint64_t max_queue_bytes = 0;  // the longest queue one of its packets found
  double max_queue_us = 0;            // its drain time
  std::string max_queue_link;
};

struct SweepPoint {
  double rate_scale = 1;
  // group name -> class -> utilization of the interfaces it runs on
  std::map<std::string, std::map<TrafficClass, double>> utilization;
};

struct PlanResult {
  const ClusterSpec* spec = nullptr;
  VerdictThresholds thresholds;
  std::vector<GroupResult> groups;
  std::vector<SweepPoint> sweep;
  std::vector<std::string> assumptions;
  // Where a calibration profile does not match what it is applied to (provider,
  // instance type, NIC count): printed first by every report.
  std::vector<std::string> warnings;
  std::string catalog_path;
  std::string calibration_path;  // empty when none was used
  Verdict verdict = Verdict::kComfortable;
  // The fabric the engines ran (spec_fabric.h) and the run that confirmed the split.
  std::string fabric_description;
  std::vector<std::string> fabric_notes;
  std::string engine = "analytic";   // analytic | flow | packet
  std::string engine_summary;        // window, transfers, wall time
  double engine_window_s = 0;
  std::uint64_t engine_transfers = 0;
  std::vector<EngineTransportStats> engine_transport;  // packet engine runs only
  // Why the engine asked for did not run, as a refusal words it (empty when it ran or
  // none was asked for): `simulate SPEC` turns it into its error.
  struct Refusal {
    std::string expected, found;
  } engine_refused;
};

// Where a calibration profile does not describe the spec's nodes: measured over another
// provider, on another instance type, or over fewer NICs than a group's. A plan warns
// with `message`; `--strict` makes a `strict` one (another provider or instance type: the
// figures are not these NICs') an error naming the profile's field. Fewer NICs measured
// than a node has stays a warning: calibrating a few rails of 32 is the usual practice.
struct CalibrationMismatch {
  std::string pointer, expected, found, message;
  bool strict = true;
};
std::vector<CalibrationMismatch> calibration_mismatches(const ClusterSpec& spec, const Catalog& catalog,
                                                        const CalibrationProfile& profile);

struct PlanOptions {
  std::string engine = "flow";       // analytic: times in closed form only; flow | packet: confirm
  double window_s = 0;               // 0: chosen (spec_schedule.h)
  std::uint64_t seed = 1;
  std::uint64_t max_transfers = 150000;
  bool sweep = true;                 // the utilization-as-rates-grow table
  bool ib_adaptive = false;          // IB: adaptive routing instead of static D-mod-K
  unsigned threads = 1;              // packet engine: partitioned by edge switch over this many threads
};

PlanResult make_plan(const ClusterSpec& spec, const Catalog& catalog,
                     const CalibrationProfile* profile, const PlanOptions& options = {});

// The engine run confirms or overrules the analytic verdicts: a class's measured p99
// scales its analytic share of the budget. Where the two p99s differ by more than
// kEngineDisagreement the engine's share decides the class's time verdict (up or down);
// within it, a threshold crossed raises it. Class, group and plan verdicts follow, and
// the class's time explanation says which figure decided, with both.
void apply_engine_verdicts(PlanResult& plan);

// Per traffic class of a packet-engine run, what its transports and the fabric saw
// (classes that sent no packets are left out).
std::vector<EngineTransportStats> engine_transport_stats(const sim::SimulationResult& r);

// The packet engine's default window for a spec: one decode or training step, at most 50 ms.
double packet_window_s(const ClusterSpec& spec);
// Packet events a spec window may cost there (~20-100 ns each: a minute of wall time).
inline constexpr double kMaxSpecPacketEvents = 5e8;

}  // namespace fabricplan
