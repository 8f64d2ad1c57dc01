// The collective model against the training set (tests/data/training: training.json and
// its description TRAINING.md): every row's error is printed and the aims are asserted.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <vector>
#include <nlohmann/json.hpp>

#include "models/catalog/catalog.h"
#include "models/collective/moe_model.h"
#include "models/collective/tiers.h"
#include "training_set.h"

namespace fabricplan::collective {
namespace {

using validation::ran_region_tuner;
using Row = validation::TrainingRow;

struct Errors {
  double sum_abs = 0, max_abs = 0;
  int rows = 0;
  double sweep_sum_abs = 0;  // every row, small ones too
  int sweep_rows = 0;
  void add(double err, bool counted) {
    sweep_sum_abs += std::abs(err);
    ++sweep_rows;
    if (!counted) return;
    sum_abs += std::abs(err);
    max_abs = std::max(max_abs, std::abs(err));
    ++rows;
  }
};

Errors check_set(const nlohmann::json& set, Errors& all) {
  Catalog cat = Catalog::load(Catalog::default_path());
  const InstanceType* it = cat.find(set["instance_type"].get<std::string>());
  EXPECT_NE(it, nullptr);
  NodeTiers tiers = tiers_from_catalog(*it);
  tiers.use_platform_tuner = ran_region_tuner(set);
  Errors e;
  std::printf("%s (%s; choice: %s)\n%5s %12s %10s %10s %8s %9s %9s %10s %6s\n", set["id"].get<std::string>().c_str(),
              it->name.c_str(), tiers.use_platform_tuner ? "aws-ofi-nccl region tuner" : "NCCL's cost model", "nodes",
              "bytes", "meas us", "model us", "err", "busbw", "model", "algo", "proto");
  for (const Row& r : validation::training_rows(set)) {
    Prediction p = predict(Op::kAllReduce, r.bytes, r.nodes, tiers);
    const double err = p.time_us / r.measured_us - 1;
    std::printf("%5d %12.0f %10.1f %10.1f %+7.1f%% %9.2f %9.2f %10s %6s\n", r.nodes, r.bytes, r.measured_us, p.time_us,
                100 * err, r.measured_busbw, p.busbw_bytes_per_s / 1e9, p.algorithm.c_str(), p.protocol.c_str());
    e.add(err, r.bytes >= (1 << 20));
    all.add(err, r.bytes >= (1 << 20));
  }
  std::printf("  rows of 1 MiB and up: mean |error| %.1f%%, max %.1f%% (%d rows); whole sweep mean %.1f%% (%d rows)\n",
              100 * e.sum_abs / e.rows, 100 * e.max_abs, e.rows, 100 * e.sweep_sum_abs / e.sweep_rows, e.sweep_rows);
  return e;
}

// The aim over every training row of 1 MiB and up: mean |time error| at most 10%,
// none past 25%. The small rows (latency-bound, where NCCL's LL/LL128 switch points and
// EFA's per-message costs are modelled coarsely) are held to a 20% sweep mean per set.
TEST(CollectiveModel, TrainingSetErrorTable) {
  nlohmann::json t = validation::training_set();
  if (t.is_null()) GTEST_SKIP() << "tests/data/training/training.json not found";
  Errors all;
  for (const auto& set : t["sets"]) {
    Errors e = check_set(set, all);
    EXPECT_LT(e.max_abs, 0.25) << set["id"];
    EXPECT_LT(e.sweep_sum_abs / e.sweep_rows, 0.20) << set["id"];
  }
  std::printf("all training rows of 1 MiB and up: mean |error| %.2f%%, max %.1f%% (%d rows)\n", 100 * all.sum_abs / all.rows,
              100 * all.max_abs, all.rows);
  EXPECT_LE(all.sum_abs / all.rows, 0.10);
  EXPECT_LT(all.max_abs, 0.25);
}

TEST(CollectiveModel, NvlinkTierAgainstTheIntraNodeRows) {
  // Training set sec. 2: 8x H200, NVLS on (fitted: the NVLS rate at 16 GiB, its fixed cost
  // at 4-256 MiB), held to the same aim as the network rows: every row within 25% in time,
  // the mean within 10%. And the project's 2x H200 (NVLS off) all_reduce: 332 GB/s at
  // 1 GiB (not fitted: printed and held within 15%).
  Catalog cat = Catalog::load(Catalog::default_path());
  NodeTiers h200 = tiers_from_catalog(*cat.find("p5e.48xlarge"));
  const double sizes_mib[] = {1, 4, 16, 64, 256, 1024, 4096, 16384};
  const double busbw[] = {39.93, 107.16, 219.89, 346.51, 436.15, 463.58, 473.10, 482.26};
  double sum_abs = 0;
  for (int i = 0; i < 8; ++i) {
    Prediction p = predict(Op::kAllReduce, sizes_mib[i] * (1 << 20), 1, h200);
    const double time_err = busbw[i] / (p.busbw_bytes_per_s / 1e9) - 1;
    std::printf("8x H200 %6.0f MiB: busbw %6.1f GB/s (measured %6.2f), time error %+6.1f%% %s/%s\n", sizes_mib[i],
                p.busbw_bytes_per_s / 1e9, busbw[i], 100 * time_err, p.algorithm.c_str(), p.protocol.c_str());
    EXPECT_LT(std::abs(time_err), 0.25) << sizes_mib[i];
    sum_abs += std::abs(time_err);
  }
  std::printf("8x H200 rows: mean |time error| %.1f%%\n", 100 * sum_abs / 8);
  EXPECT_LE(sum_abs / 8, 0.10);
  NodeTiers two = tiers_from_catalog(*cat.find("p5e.48xlarge"), /*nvls_enabled=*/false);
  two.gpus = 2;
  Prediction ring = predict(Op::kAllReduce, 1 << 30, 1, two);
  std::printf("2x H200 ring 1 GiB: %.1f GB/s (measured 332, calibrate collectives 324.5)\n", ring.busbw_bytes_per_s / 1e9);
  EXPECT_NEAR(ring.busbw_bytes_per_s / 1e9 / 332, 1, 0.15);
}

TEST(CollectiveModel, DeepEpLowLatencyRows) {
  // TRAINING.md sec. 4: H800 (~160 GB/s NVLink), one CX7 400G per GPU; 128 tokens,
  // hidden 7168, top-8. Fitted: the latencies (EP 8) and the RDMA share (EP 16-256).
  NodeTiers h800;
  h800.infiniband = true;
  h800.gpus = 8;
  h800.nvlink_bytes_per_s = 160e9;
  h800.nics = 8;
  h800.nic_bytes_per_s = 50e9 * 0.95;
  const int eps[] = {8, 16, 32, 64, 128, 256};
  const double dispatch_us[] = {77, 118, 155, 173, 192, 194}, combine_us[] = {114, 195, 273, 314, 369, 360};
  double worst = 0;
  for (int i = 0; i < 6; ++i) {
    MoeLayer l;
    l.tokens = 128;
    l.ep = eps[i];
    l.low_latency = true;
    MoePrediction d = predict_moe(l, h800);
    l.combine = true;
    MoePrediction c = predict_moe(l, h800);
    std::printf("EP %3d dispatch %6.1f us (measured %5.0f, %+5.1f%%)  combine %6.1f us (measured %5.0f, %+5.1f%%)\n", eps[i],
                d.time_us, dispatch_us[i], 100 * (d.time_us / dispatch_us[i] - 1), c.time_us, combine_us[i],
                100 * (c.time_us / combine_us[i] - 1));
    worst = std::max({worst, std::abs(d.time_us / dispatch_us[i] - 1), std::abs(c.time_us / combine_us[i] - 1)});
  }
  EXPECT_LT(worst, 0.12);
  // Normal kernels (4096 tokens, FP8 dispatch, BF16 combine, node-limited to 4 nodes):
  // DeepEP reports the RDMA bottleneck bandwidth. Not fitted: printed, and held within
  // 30% (EP 32's 58 GB/s is above the 50 GB/s line rate as DeepEP counts it).
  const int normal_eps[] = {16, 32, 64};
  const double normal_dispatch[] = {43, 58, 51}, normal_combine[] = {43, 57, 50};
  for (int i = 0; i < 3; ++i) {
    MoeLayer l;
    l.ep = normal_eps[i];
    MoePrediction d = predict_moe(l, h800);
    l.combine = true;
    MoePrediction c = predict_moe(l, h800);
    std::printf("normal EP %2d: RDMA %5.1f GB/s dispatch (DeepEP %2.0f), %5.1f GB/s combine (DeepEP %2.0f)\n",
                normal_eps[i], d.rdma_bytes_per_s / 1e9, normal_dispatch[i], c.rdma_bytes_per_s / 1e9, normal_combine[i]);
    EXPECT_NEAR(d.rdma_bytes_per_s / 1e9 / normal_dispatch[i], 1, 0.30);
    EXPECT_NEAR(c.rdma_bytes_per_s / 1e9 / normal_combine[i], 1, 0.30);
  }
}

TEST(CollectiveModel, InfinibandAgainstTheStatedNcclFigures) {
  // TRAINING.md sec. 3: NCCL reaches 46-49 GB/s on a 400G ConnectX-7 (the fit: 0.95 of
  // 50 GB/s), about 48 GB/s on two 200G HDR NICs and about 12.2 GB/s on a 100G NIC (not
  // fitted: the judges). Per NIC is what one GPU per node shows over its own NIC: a ring
  // all_reduce across 16 nodes x 8 GiB (NVLS off, pipeline fill a small share) whose busbw
  // is that NIC's rate. (With 8 GPUs a 400G node's ring is NVLink-bound at ~367 GB/s.)
  Catalog cat = Catalog::load(Catalog::default_path());
  struct Judge {
    const char* type;
    double gbit_per_nic, stated_gb_per_nic;
    bool fitted;
  };
  const Judge judges[] = {{"ib-dgx-h100", 400, 47.5, true}, {"ib-dgx-a100", 200, 24.0, false}, {"ib-dgx-h100", 100, 12.2, false}};
  for (const Judge& j : judges) {
    InstanceType t = *cat.find(j.type);
    t.interface_gbit_per_s = j.gbit_per_nic;
    t.aggregate_gbit_per_s = j.gbit_per_nic * t.interfaces;
    NodeTiers tiers = tiers_from_catalog(t, /*nvls_enabled=*/false);
    tiers.use_platform_tuner = false;
    tiers.gpus = 1;  // GPU 0 and its own NIC
    const Prediction p = predict(Op::kAllReduce, 8.0 * (1u << 30), 16, tiers);
    const double per_nic = p.busbw_bytes_per_s / 1e9;
    const double err = per_nic / j.stated_gb_per_nic - 1;
    std::printf("%s with %3.0fG NICs: %s/%s busbw %.1f GB/s = %.2f GB/s per NIC; NVIDIA states %.1f (%+.1f%%, %s)\n", j.type,
                j.gbit_per_nic, p.algorithm.c_str(), p.protocol.c_str(), p.busbw_bytes_per_s / 1e9, per_nic,
                j.stated_gb_per_nic, 100 * err, j.fitted ? "fitted" : "not fitted");
    EXPECT_EQ(p.algorithm, "ring");
    // The fitted row within 3% (the ring's pipeline fill is all that separates them);
    // the judges within 5%, below them rather than above (0.95 is fitted on NDR).
    EXPECT_LT(std::abs(err), j.fitted ? 0.03 : 0.05);
  }
}

TEST(CollectiveModel, CatalogEfficiencyIsTheFittedNetworkTier) {
  // The planner's per-NIC rate (catalog default_efficiency x line rate) and the collective
  // model's are one figure for every NCCL instance: an efficiency in the catalog that the
  // fitted tier does not share would judge KV and the engines on other losses than the
  // collectives (p4d's 0.9 against its fitted 0.87 did).
  Catalog cat = Catalog::load(Catalog::default_path());
  int checked = 0;
  for (const InstanceType& t : cat.instances()) {
    if (nvlink_line_bytes_per_s(t) <= 0) continue;  // Trainium: no NCCL tier
    const NodeTiers tiers = tiers_from_catalog(t);
    const double fitted = tiers.nic_bytes_per_s / (t.interface_gbit_per_s * 1e9 / 8);
    EXPECT_NEAR(t.default_efficiency, fitted, 1e-9) << t.name;
    const auto src = t.sources.find("default_efficiency");
    ASSERT_NE(src, t.sources.end()) << t.name;
    EXPECT_EQ(src->second.front().find("assumption"), std::string::npos) << t.name << ": " << src->second.front();
    ++checked;
  }
  EXPECT_GE(checked, 8);
}

}  // namespace
}  // namespace fabricplan::collective
