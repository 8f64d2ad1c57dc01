#include "sim/scenario/run.h"

#include <chrono>
#include <cstdio>
#include <memory>

#include "sim/traffic/open_loop.h"

namespace fabricplan::sim {
namespace {

// Prints a progress line to stderr at most once per wall second on long runs.
class Progress : public EventHandler {
 public:
  Progress(const FlowStats& stats, std::uint64_t expected) : stats_(stats), expected_(expected) {}
  void on_event(Simulator& sim, std::uint64_t) override {
    auto now = std::chrono::steady_clock::now();
    if (now - last_ > std::chrono::seconds(1)) {
      last_ = now;
      std::fprintf(stderr, "\rsimulate: t=%.3f ms, %llu/%llu packets delivered, %llu events",
                   sim.now().s() * 1e3, static_cast<unsigned long long>(stats_.delivered_packets()),
                   static_cast<unsigned long long>(expected_),
                   static_cast<unsigned long long>(sim.events_processed()));
      printed_ = true;
    }
    if (!sim.queue().empty()) sim.schedule_in(Time::from_us(50), this);
  }
  ~Progress() { if (printed_) std::fprintf(stderr, "\n"); }

 private:
  const FlowStats& stats_;
  std::uint64_t expected_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  bool printed_ = false;
};

}  // namespace

SimulationResult run_scenario(const Scenario& s, bool progress) {
  auto wall_start = std::chrono::steady_clock::now();
  Topology topo = s.topology.kind == "leaf_spine"
                      ? build_leaf_spine(s.topology.leaves, s.topology.hosts_per_leaf, s.topology.spines,
                                         s.topology.link_gbit_per_s, s.topology.propagation_us)
                      : build_fat_tree(s.topology.k, s.topology.link_gbit_per_s, s.topology.propagation_us);
  Simulator sim;
  FlowStats stats;
  Fabric fabric(sim, topo, s.fabric, stats);

  std::vector<std::string> class_names;
  std::vector<std::unique_ptr<OpenLoopTraffic>> generators;
  std::uint64_t expected = 0;
  for (const auto& t : s.traffic) {
    std::uint32_t cls = 0;
    while (cls < class_names.size() && class_names[cls] != t.traffic_class) ++cls;
    if (cls == class_names.size()) class_names.push_back(t.traffic_class);
    std::vector<OpenLoopFlow> flows;
    for (auto [src, dst] : t.flows) flows.push_back({src, dst, stats.add_flow(src, dst, cls)});
    OpenLoopParams p;
    p.payload_bytes = t.payload_bytes;
    p.header_bytes = t.header_bytes;
    p.interval = Time::from_ps(t.interval_ps);
    p.packets_per_flow = t.packets_per_flow;
    expected += t.packets_per_flow * flows.size();
    generators.push_back(std::make_unique<OpenLoopTraffic>(sim, fabric, stats, std::move(flows), p));
  }
  sim.queue().reserve(4 * fabric.port_count() + 1024);
  std::unique_ptr<Progress> reporter;
  if (progress) {
    reporter = std::make_unique<Progress>(stats, expected);
    sim.schedule_at(Time(), reporter.get());
  }
  sim.run();

  SimulationResult r;
  r.scenario = s.name;
  r.seed = s.seed;
  double line_rate = s.topology.link_gbit_per_s * 1e9 / 8;
  for (std::uint32_t c = 0; c < class_names.size(); ++c) {
    r.classes.push_back(stats.summarize(c, class_names[c], line_rate));
    r.packets_sent += r.classes.back().packets_sent;
  }
  r.delivered_packets = stats.delivered_packets();
  r.drops = fabric.drops();
  r.events = sim.events_processed();
  r.link_transmissions = fabric.link_transmissions();
  r.simulated_s = sim.now().s();
  double sum = 0;
  int active = 0;
  for (std::size_t p = 0; p < fabric.port_count(); ++p) {
    const PortStats& ps = fabric.port_stats(p);
    r.ports.push_back(ps);
    double u = r.simulated_s > 0 ? ps.tx_bytes / (line_rate * r.simulated_s) : 0;
    if (ps.tx_bytes) { sum += u; ++active; }
    r.links.max_utilization = std::max(r.links.max_utilization, u);
    r.links.max_queue_bytes = std::max(r.links.max_queue_bytes, ps.max_queued_bytes);
    r.links.ports_with_drops += ps.drops > 0;
  }
  r.links.mean_utilization = active ? sum / active : 0;
  r.flows = stats.flows();
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return r;
}

}  // namespace fabricplan::sim
