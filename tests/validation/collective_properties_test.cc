// Properties of the collective model over every instance type it models, every op, 1-64
// nodes, 1 GPU to all of them per node and sizes 8 B - 16 GiB: curves that only fall where
// the modelled choice switches algorithm or protocol, nothing faster than the wire allows
// (bounds computed here from the catalog's line rates, not from the model's tiers), and
// each instance generation on its own figures.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "models/catalog/catalog.h"
#include "models/collective/tiers.h"

namespace fabricplan::collective {
namespace {

constexpr Op kOps[] = {Op::kAllReduce, Op::kAllGather, Op::kReduceScatter, Op::kAllToAll, Op::kSendRecv};

// The types the model answers for (the Neuron ones are refused, as the CLI does).
std::vector<const InstanceType*> modelled_types(const Catalog& cat) {
  std::vector<const InstanceType*> out;
  for (const std::string& name : cat.names()) {
    const InstanceType* it = cat.find(name);
    try {
      tiers_from_catalog(*it);
      out.push_back(it);
    } catch (const std::invalid_argument&) {
    }
  }
  return out;
}

std::vector<int> gpu_counts(const InstanceType& it) {
  std::vector<int> g{1, 2, it.accelerators / 2, it.accelerators};
  std::sort(g.begin(), g.end());
  g.erase(std::unique(g.begin(), g.end()), g.end());
  return g;
}

TEST(CollectiveProperties, BusbwNeverFallsAsSizeDoublesExceptAtAModelledSwitch) {
  Catalog cat = Catalog::load(Catalog::default_path());
  long checked = 0, switches = 0;
  for (const InstanceType* it : modelled_types(cat)) {
    for (int gpus : gpu_counts(*it)) {
      NodeTiers t = tiers_from_catalog(*it);
      t.gpus = gpus;
      for (Op op : kOps) {
        for (int nodes = 1; nodes <= 64; ++nodes) {
          Prediction prev = predict(op, 8, nodes, t);
          for (double bytes = 16; bytes <= 16.0 * (1ull << 30); bytes *= 2) {
            Prediction p = predict(op, bytes, nodes, t);
            ++checked;
            const bool same_choice = p.algorithm == prev.algorithm && p.protocol == prev.protocol;
            if (!same_choice && p.busbw_bytes_per_s < prev.busbw_bytes_per_s) ++switches;
            if (same_choice) {
              EXPECT_GE(p.busbw_bytes_per_s, prev.busbw_bytes_per_s * (1 - 1e-9))
                  << it->name << " " << op_name(op) << " " << nodes << " nodes x " << gpus << " GPUs: " << bytes / 2
                  << " B -> " << bytes << " B on " << p.algorithm << "/" << p.protocol << ": "
                  << prev.busbw_bytes_per_s / 1e9 << " -> " << p.busbw_bytes_per_s / 1e9 << " GB/s";
            }
            prev = p;
          }
        }
      }
    }
  }
  std::printf("%ld doublings checked; %ld falls, each where the modelled choice switches\n", checked, switches);
}

// Distinct NICs local to GPUs 0..gpus-1 of the catalog's map (p4d's GPU pairs share one).
int local_nic_count(const InstanceType& it, int gpus) {
  std::set<int> nics;
  for (int g = 0; g < gpus && g < static_cast<int>(it.accelerator_nics.size()); ++g) {
    nics.insert(it.accelerator_nics[g].begin(), it.accelerator_nics[g].end());
  }
  return gpus >= it.accelerators ? it.interfaces : static_cast<int>(nics.size());
}

// Least time the network allows: bytes each node (or GPU) must move over its NICs at the
// line rate after packet headers.
double network_floor_us(Op op, double S, int nodes, int gpus, const InstanceType& it) {
  const bool ib = it.fabric == FabricKind::kInfiniband;
  const double nic_payload = it.interface_gbit_per_s * 1e9 / 8 * wire_payload_fraction(ib);
  const double N = nodes, n = static_cast<double>(nodes) * gpus;
  const double node_rate = local_nic_count(it, gpus) * nic_payload;
  const double gpu_rate = static_cast<double>(it.accelerator_nics.empty() ? 1 : it.accelerator_nics[0].size()) * nic_payload;
  switch (op) {
    case Op::kAllReduce: return 2 * (N - 1) / N * S / node_rate * 1e6;  // a reduce-scatter and an all-gather across nodes
    case Op::kAllGather:
    case Op::kReduceScatter: return (N - 1) / N * S / node_rate * 1e6;
    case Op::kAllToAll: return (n - gpus) / n * S / gpu_rate * 1e6;
    case Op::kSendRecv: return S / gpu_rate * 1e6;
  }
  return 0;
}

TEST(CollectiveProperties, NoPredictionBeatsTheWire) {
  Catalog cat = Catalog::load(Catalog::default_path());
  long checked = 0;
  for (const InstanceType* it : modelled_types(cat)) {
    for (int gpus : gpu_counts(*it)) {
      NodeTiers t = tiers_from_catalog(*it);
      t.gpus = gpus;
      for (Op op : kOps) {
        for (int nodes : {2, 3, 4, 8, 16, 64}) {
          for (double bytes = 1 << 20; bytes <= 16.0 * (1ull << 30); bytes *= 4) {
            const Prediction p = predict(op, bytes, nodes, t);
            const double floor = network_floor_us(op, bytes, nodes, gpus, *it);
            ++checked;
            EXPECT_GE(p.time_us, floor * (1 - 1e-9)) << it->name << " " << op_name(op) << " " << nodes << " nodes x "
                                                      << gpus << " GPUs, " << bytes << " B: " << p.time_us
                                                      << " us under the wire's " << floor << " us";
          }
        }
      }
    }
  }
  std::printf("%ld predictions checked against the wire's floor\n", checked);
}

TEST(CollectiveProperties, OneGpuUsesOnlyItsOwnNics) {
  // p5: one GPU's 4 local EFAs carry 4 x 12.5 GB/s at line rate; its all_reduce across 2
  // nodes (1 rank each) moves S each way over them, so busbw (x1 for 2 ranks) stays under
  // 50 GB/s, where the whole node's 32 EFAs would allow 400.
  Catalog cat = Catalog::load(Catalog::default_path());
  NodeTiers t = tiers_from_catalog(*cat.find("p5.48xlarge"));
  t.gpus = 1;
  const Prediction p = predict(Op::kAllReduce, 1 << 30, 2, t);
  std::printf("p5, 2 nodes x 1 GPU, 1 GiB all_reduce: busbw %.1f GB/s\n", p.busbw_bytes_per_s / 1e9);
  EXPECT_LT(p.busbw_bytes_per_s, 4 * 12.5e9);
  NodeTiers ib = tiers_from_catalog(*cat.find("ib-dgx-h100"));
  ib.gpus = 1;
  const Prediction q = predict(Op::kAllReduce, 1 << 30, 2, ib);
  EXPECT_LT(q.busbw_bytes_per_s, 50e9) << "one 400G HCA";
}

TEST(CollectiveProperties, EachGenerationOnItsOwnFigures) {
  Catalog cat = Catalog::load(Catalog::default_path());
  const char* types[] = {"p4d.24xlarge", "p5.48xlarge", "p5en.48xlarge", "p6-b200.48xlarge", "ib-dgx-h100"};
  std::vector<std::vector<double>> curves;
  for (const char* name : types) {
    const NodeTiers t = tiers_from_catalog(*cat.find(name));
    std::vector<double> curve;
    std::printf("%-18s", name);
    for (int nodes : {2, 16}) {
      for (double bytes = 1 << 20; bytes <= 8.0 * (1ull << 30); bytes *= 32) {
        const Prediction p = predict(Op::kAllReduce, bytes, nodes, t);
        curve.push_back(p.busbw_bytes_per_s);
        std::printf(" %7.1f", p.busbw_bytes_per_s / 1e9);
      }
    }
    std::printf("  (%s)\n", t.network_measured ? "measured network tier" : "extrapolated network tier");
    curves.push_back(curve);
    // What no measurement backs says so.
    const bool extrapolated = std::string(name) == "p5en.48xlarge" || std::string(name) == "p6-b200.48xlarge";
    EXPECT_EQ(t.network_measured, !extrapolated) << name;
    if (extrapolated) {
      EXPECT_NE(t.source.find("extrapolated"), std::string::npos) << t.source;
    }
  }
  for (std::size_t a = 0; a < curves.size(); ++a) {
    for (std::size_t b = a + 1; b < curves.size(); ++b) EXPECT_NE(curves[a], curves[b]) << types[a] << " vs " << types[b];
  }
}

}  // namespace
}  // namespace fabricplan::collective
