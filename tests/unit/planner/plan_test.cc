// The example specs: the verdicts the brief states, with the numbers behind them
// recomputed by hand here.
#include <gtest/gtest.h>

#include "calib/profile.h"
#include "planner/plan.h"
#include "planner/spec_parser.h"

namespace fabricplan {
namespace {

std::string spec_path(const std::string& name) {
  return std::string(FABRICPLAN_SOURCE_DIR) + "/configs/clusters/" + name;
}

const ClassResult* find_class(const GroupResult& g, TrafficClass c) {
  for (const auto& r : g.classes) {
    if (r.cls == c) return &r;
  }
  return nullptr;
}

// Hand calculation shared by the examples (see the spec's sources):
//   MoE per decode node: 256 tok x 20 steps x 58 layers x 8 x 7168 x 3 B x 3/4
//     = 38,314,967,040 B/s = 306.5 Gbit/s.
//   KV per decode node: 20 req/s x 2048 tok x 327,680 B / 4 nodes = 3,355,443,200 B/s.
constexpr double kMoe = 38314967040.0;
constexpr double kKv = 3355443200.0;

TEST(ExamplePlans, P4dMoePlusKvOnFourEfasIsTight) {
  Catalog catalog = Catalog::load(Catalog::default_path());
  ClusterSpec spec = parse_cluster_spec(spec_path("p4d-moe-pd.json"), catalog);
  PlanResult plan = make_plan(spec, catalog, nullptr);
  const GroupResult& decode = plan.groups.at(1);
  ASSERT_EQ(decode.spec->name, "decode");
  // 4 EFA x 100 Gbit/s x 0.9 = 45e9 B/s; (kMoe + kKv) / 45e9 = 0.926.
  double expected = (kMoe + kKv) / 45e9;
  const ClassResult* moe = find_class(decode, TrafficClass::kMoeAll2all);
  ASSERT_NE(moe, nullptr);
  EXPECT_DOUBLE_EQ(moe->demand_bytes_per_s, kMoe);
  EXPECT_NEAR(moe->utilization, expected, 1e-9);
  EXPECT_EQ(moe->verdict, Verdict::kTight);
  EXPECT_TRUE(decode.split.chosen.shared);  // a 1/3 split would put MoE at 38.3/33.75 > 1
  EXPECT_EQ(plan.verdict, Verdict::kTight);
}

TEST(ExamplePlans, P5SameWorkloadIsComfortable) {
  Catalog catalog = Catalog::load(Catalog::default_path());
  ClusterSpec spec = parse_cluster_spec(spec_path("p5-moe-pd.json"), catalog);
  PlanResult plan = make_plan(spec, catalog, nullptr);
  const GroupResult& decode = plan.groups.at(1);
  const ClassResult* moe = find_class(decode, TrafficClass::kMoeAll2all);
  const ClassResult* kv = find_class(decode, TrafficClass::kKvTransfer);
  ASSERT_NE(moe, nullptr);
  ASSERT_NE(kv, nullptr);
  EXPECT_DOUBLE_EQ(kv->demand_bytes_per_s, kKv);
  // 8 KV / 24 collective EFAs at 11.25e9 B/s each.
  EXPECT_EQ(decode.split.chosen.kv_interfaces, 8);
  EXPECT_NEAR(moe->utilization, kMoe / (24 * 11.25e9), 1e-9);
  EXPECT_NEAR(kv->utilization, kKv / (8 * 11.25e9), 1e-9);
  EXPECT_EQ(plan.verdict, Verdict::kComfortable);
}

TEST(ExamplePlans, CalibratedBandwidthReplacesTheCatalogFigure) {
  Catalog catalog = Catalog::load(Catalog::default_path());
  ClusterSpec spec = parse_cluster_spec(spec_path("p4d-moe-pd.json"), catalog);
  CalibrationProfile profile;
  profile.file = "measured.json";
  profile.nics = {{"r0", 10, 10e9, {}}, {"r1", 10, 10e9, {}}};
  profile.aggregate_bandwidth_bytes_per_s = 18e9;  // 90% of 2 x 10e9
  PlanResult plan = make_plan(spec, catalog, &profile);
  // Per interface = 10e9 x 0.9 = 9e9; 4 interfaces -> 36e9; (kMoe + kKv)/36e9 > 1.
  EXPECT_DOUBLE_EQ(plan.groups[1].per_interface_bytes_per_s, 9e9);
  EXPECT_EQ(plan.groups[1].bandwidth_source, "calibration: measured.json");
  EXPECT_EQ(plan.verdict, Verdict::kInsufficient);
}

TEST(ExamplePlans, IntraNodeTpIsJudgedByTheMeasuredNvlinkTime) {
  // p5-moe-pd's prefill nodes run llama3-70b-tp8: 3200 all-reduces/s of 524,288 B over
  // 8 GPUs of one node. With a measured fit t = alpha + bytes / beta:
  //   alpha 25 us, beta 200e9 B/s: t = 25 + 2.62144 = 27.62144 us, busy 3200 t = 8.84%;
  //   alpha 300 us:                t = 302.62144 us, busy = 96.84% (tight).
  Catalog catalog = Catalog::load(Catalog::default_path());
  ClusterSpec spec = parse_cluster_spec(spec_path("p5-moe-pd.json"), catalog);
  auto with_fit = [](double alpha_us, int ranks) {
    CalibrationProfile p;
    p.file = "nvlink.json";
    IntraNodeCalibration intra;
    intra.gpus = 8;
    intra.collectives.push_back({"all_reduce", ranks, {{0, 1e18, alpha_us, 200e9}}, 360e9});
    p.intra_node = intra;
    return p;
  };
  auto tp_of = [&](const CalibrationProfile* p) {
    PlanResult plan = make_plan(spec, catalog, p);
    const ClassResult* tp = find_class(plan.groups.at(0), TrafficClass::kTpAllreduce);
    EXPECT_NE(tp, nullptr);
    return *tp;
  };
  CalibrationProfile fast = with_fit(25, 8), slow = with_fit(300, 8), other = with_fit(25, 4);
  ClassResult a = tp_of(&fast);
  EXPECT_NEAR(a.utilization, 3200 * 27.62144e-6, 1e-12);
  EXPECT_EQ(a.verdict, Verdict::kComfortable);
  EXPECT_NE(a.why.find("27.6 us each"), std::string::npos) << a.why;
  ClassResult b = tp_of(&slow);
  EXPECT_NEAR(b.utilization, 3200 * 302.62144e-6, 1e-12);
  EXPECT_EQ(b.verdict, Verdict::kTight);
  // A fit over another GPU count, or no profile: not checked, and the plan says so.
  ClassResult c = tp_of(&other);
  EXPECT_EQ(c.utilization, 0);
  EXPECT_NE(c.why.find("no all_reduce over 8 GPUs"), std::string::npos) << c.why;
  EXPECT_NE(tp_of(nullptr).why.find("not checked (no calibration profile)"), std::string::npos);
}

TEST(ExamplePlans, SameInputsGiveTheSameNumbers) {
  Catalog catalog = Catalog::load(Catalog::default_path());
  ClusterSpec spec = parse_cluster_spec(spec_path("trn2-moe-pd.json"), catalog);
  PlanResult a = make_plan(spec, catalog, nullptr);
  PlanResult b = make_plan(spec, catalog, nullptr);
  ASSERT_EQ(a.groups.size(), b.groups.size());
  for (std::size_t i = 0; i < a.groups.size(); ++i) {
    EXPECT_EQ(a.groups[i].split.chosen.kv_nics, b.groups[i].split.chosen.kv_nics);
  }
}

}  // namespace
}  // namespace fabricplan
