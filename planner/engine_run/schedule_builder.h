// Building a spec's schedule (spec_schedule.h): the shared core (streams, transfers,
// endpoints, the all-to-all and ring phases, steady background flows) and, one file per
// workload, what each adds: schedule_kv.cc, schedule_moe.cc, schedule_tp.cc,
// schedule_training.cc (schedule_workloads.h). Private to engine_run.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/schedule/schedule.h"
#include "planner/engine_run/spec_schedule.h"

namespace fabricplan {

// Seconds to picoseconds, saturating (a step of 1e9 s is past int64 ps: as good as never).
std::int64_t spec_to_ps(double s);
inline std::int64_t to_ps(double s) { return spec_to_ps(s); }

class ScheduleBuilder {
 public:
  ScheduleBuilder(const ClusterSpec& spec, const SpecFabric& fabric, const std::map<std::string, NodePools>& pools,
                  const SpecScheduleOptions& o)
      : spec_(spec), fabric_(fabric), pools_(pools), options_(o) {}

  SpecSchedule build(double window_s);

  const ClusterSpec& spec() const { return spec_; }
  const SpecFabric& fabric() const { return fabric_; }
  const SpecScheduleOptions& options() const { return options_; }
  std::int64_t window_ps() const { return window_ps_; }
  const NodePools& pools(const std::string& group) const { return pools_.at(group); }
  std::uint32_t endpoint(int node, int nic) const { return static_cast<std::uint32_t>(node * fabric_.nics_per_node + nic); }
  std::uint32_t transfer_count() const { return static_cast<std::uint32_t>(schedule_.transfers.size()); }
  void add_op(const SpecOp& op) { ops_.push_back(op); }

  // One transfer of class `c`, released at `release_ps` after `deps`; its index.
  std::uint32_t add(TrafficClass c, std::uint32_t src, std::uint32_t dst, double bytes, std::int64_t release_ps,
                    const std::vector<std::uint32_t>& deps = {});
  // One all-to-all phase among `nodes` (each node sends `bytes_per_node` to the others,
  // rail to rail). `after[node][rail]`: transfers into (node, rail) it waits for; on
  // return, the transfers this phase delivered there.
  void all_to_all(TrafficClass c, const std::string& group, const std::string& workload, const std::vector<int>& nodes,
                  const std::vector<int>& nics, double bytes_per_node, std::int64_t release_ps, int step,
                  std::vector<std::vector<std::vector<std::uint32_t>>>& after);
  // NCCL's ring between nodes: `steps` steps, node i sending bytes_per_node / steps to
  // node i+1 per step, striped over the pool's NICs; step s waits for step s-1 into the sender.
  void ring(TrafficClass c, const std::string& group, const std::string& workload, const std::vector<int>& nodes,
            const std::vector<int>& nics, double bytes_per_node, int steps, std::int64_t release_ps, int step_index);

 private:
  std::uint32_t stream(TrafficClass c, bool open_loop = false);
  void steady(TrafficClass c, int a, int b, const std::vector<int>& nics, double rate);
  void add_background();

  const ClusterSpec& spec_;
  const SpecFabric& fabric_;
  const std::map<std::string, NodePools>& pools_;
  const SpecScheduleOptions& options_;
  std::int64_t window_ps_ = 0;
  Schedule schedule_;
  std::vector<sim::TrafficSpec> traffic_;
  std::map<TrafficClass, std::uint32_t> streams_, open_streams_;
  std::vector<SpecOp> ops_;
};

}  // namespace fabricplan
