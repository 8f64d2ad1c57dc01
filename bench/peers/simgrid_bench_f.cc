// SimGrid peer for BENCH-F (bench/SCENARIOS.md): the same fabric and flows as a fabricplan
// scenario file, run by SimGrid's default flow-level network model (LV08 on a Full zone
// with one SimGrid link per direction of every fabric link and explicit routes).
//
// Routes are fabricplan's own single paths (models/flow/flow_routes: D-mod-K on the
// destination for the BENCH-F files), so both tools solve the same max-min problem; what
// differs is the model: LV08 scales bandwidth by 0.97 and latency by 13.01 (Velho & Legrand,
// "Accuracy study and improvement of network simulation in the SimGrid framework", 2009).
// Every transfer starts at t = 0 (BENCH-F); transfers that wait for others are refused.
//
// Usage: simgrid_bench_f SCENARIO.json  -> one JSON line: wall_s (whole process, platform
// included), flows, last_completion_s, fct_{mean,min,max}_us, peak_rss_mb.
#include <simgrid/s4u.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <vector>

#include "models/flow/flow_routes.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_schedule.h"

namespace sg4 = simgrid::s4u;

int main(int argc, char** argv) {
  auto wall_start = std::chrono::steady_clock::now();
  if (argc < 2) {
    std::fprintf(stderr, "usage: simgrid_bench_f SCENARIO.json\n");
    return 2;
  }
  const std::string scenario_path = argv[1];
  int sg_argc = 1;
  char* sg_argv[] = {argv[0], nullptr};
  sg4::Engine engine(&sg_argc, sg_argv);

  const fabricplan::sim::Scenario scenario = fabricplan::sim::parse_scenario(scenario_path);
  const fabricplan::Topology topo = fabricplan::sim::build_topology(scenario.topology);
  const fabricplan::Schedule schedule = fabricplan::sim::scenario_schedule(scenario);
  for (const auto& t : schedule.transfers) {
    if (t.deps_end != t.deps_begin || t.release_ps != 0) {
      std::fprintf(stderr, "simgrid_bench_f: only transfers that all start at t = 0 (BENCH-F)\n");
      return 2;
    }
  }

  auto* zone = sg4::create_full_zone("fabric");
  std::vector<sg4::Host*> hosts;
  for (int h = 0; h < topo.hosts; ++h) hosts.push_back(zone->create_host("h" + std::to_string(h), 1e9));
  std::vector<sg4::Link*> ports;
  for (std::size_t l = 0; l < topo.links.size(); ++l) {
    for (int dir = 0; dir < 2; ++dir) {
      ports.push_back(zone->create_link("p" + std::to_string(2 * l + dir), topo.links[l].gbit_per_s * 1e9 / 8)
                          ->set_latency(topo.links[l].propagation_us * 1e-6)
                          ->seal());
    }
  }
  const fabricplan::NextHops hops = fabricplan::compute_next_hops(topo);
  fabricplan::flow::RouteContext ctx{&topo, &hops, nullptr, scenario.seed};
  std::map<std::pair<std::uint32_t, std::uint32_t>, bool> routed;
  std::vector<fabricplan::flow::RouteCoefficient> route;
  for (const auto& t : schedule.transfers) {
    if (!routed.emplace(std::make_pair(t.src, t.dst), true).second) continue;
    const fabricplan::ScheduleStream& st = schedule.streams[t.stream];
    if (st.path == fabricplan::PathPolicy::kSpray || st.qps != 1) {
      std::fprintf(stderr, "simgrid_bench_f: single-path streams only (one QP, no spraying)\n");
      return 2;
    }
    fabricplan::flow::compute_route(ctx, st, t.stream, t, route);
    std::vector<sg4::LinkInRoute> links;
    for (const auto& r : route) links.emplace_back(ports[r.link]);
    zone->add_route(hosts[t.src]->get_netpoint(), hosts[t.dst]->get_netpoint(), nullptr, nullptr, links, false);
  }
  zone->seal();

  std::vector<double> fct_s;
  fct_s.reserve(schedule.transfers.size());
  sg4::Activity::on_completion_cb([&](const sg4::Activity& a) {
    if (dynamic_cast<const sg4::Comm*>(&a) != nullptr) fct_s.push_back(a.get_finish_time() - a.get_start_time());
  });
  sg4::Actor::create("launcher", hosts[0], [&] {
    std::vector<sg4::CommPtr> comms;
    comms.reserve(schedule.transfers.size());
    for (const auto& t : schedule.transfers) comms.push_back(sg4::Comm::sendto_async(hosts[t.src], hosts[t.dst], t.bytes));
    sg4::Comm::wait_all(comms);
  });
  engine.run();

  double sum = 0, lo = 1e300, hi = 0;
  for (double f : fct_s) {
    sum += f;
    lo = std::min(lo, f);
    hi = std::max(hi, f);
  }
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  std::printf("{\"wall_s\": %.6f, \"flows\": %zu, \"last_completion_s\": %.9f, \"fct_mean_us\": %.3f, "
              "\"fct_min_us\": %.3f, \"fct_max_us\": %.3f, \"peak_rss_mb\": %.1f}\n",
              wall, fct_s.size(), sg4::Engine::get_clock(), fct_s.empty() ? 0 : sum / fct_s.size() * 1e6,
              fct_s.empty() ? 0 : lo * 1e6, hi * 1e6, ru.ru_maxrss / 1024.0);
  return 0;
}
