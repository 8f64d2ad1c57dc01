// The analytical plan: spec + catalog (+ calibration) -> per group and class demand,
// budget, utilization, verdict, the chosen NIC split and the environment to set.
//
// PlanResult is plain data that every report format renders; it points into the spec
// and catalog it was made from, which must outlive it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "calib/profile.h"
#include "models/catalog/catalog.h"
#include "planner/spec.h"
#include "planner/split_search.h"
#include "planner/verdict.h"

namespace fabricplan {

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
};

struct Recommendation {
  std::vector<std::pair<std::string, std::string>> env;  // variable, value
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
};

PlanResult make_plan(const ClusterSpec& spec, const Catalog& catalog,
                     const CalibrationProfile* profile);

}  // namespace fabricplan
