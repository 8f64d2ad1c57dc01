// The shipped catalog against the figures the product brief and AWS state.
#include <gtest/gtest.h>

#include "models/catalog/catalog.h"

namespace fabricplan {
namespace {

class ShippedCatalog : public ::testing::Test {
 protected:
  Catalog catalog = Catalog::load(Catalog::default_path());
};

TEST_F(ShippedCatalog, HasEveryInstanceTheBriefNames) {
  for (const char* n : {"p4d.24xlarge", "p4de.24xlarge", "p5.48xlarge", "p5e.48xlarge",
                        "p5en.48xlarge", "p6-b200.48xlarge", "trn1.32xlarge", "trn2.48xlarge",
                        "ib-dgx-h100", "ib-dgx-a100"}) {
    EXPECT_NE(catalog.find(n), nullptr) << n;
  }
}

TEST_F(ShippedCatalog, P4dEachEfaServesTwoGpus) {
  const InstanceType* t = catalog.find("p4d.24xlarge");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->interfaces, 4);
  EXPECT_DOUBLE_EQ(t->aggregate_gbit_per_s, 400);
  std::vector<int> gpus_per_nic(4, 0);
  for (const auto& local : t->accelerator_nics) {
    ASSERT_EQ(local.size(), 1u);
    ++gpus_per_nic[local[0]];
  }
  EXPECT_EQ(gpus_per_nic, (std::vector<int>{2, 2, 2, 2}));
}

TEST_F(ShippedCatalog, P5HasFourEfasPerGpu) {
  const InstanceType* t = catalog.find("p5.48xlarge");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->interfaces, 32);
  EXPECT_DOUBLE_EQ(t->aggregate_gbit_per_s, 3200);
  for (const auto& local : t->accelerator_nics) EXPECT_EQ(local.size(), 4u);
}

TEST_F(ShippedCatalog, EveryFigureHasASourceAndDisagreementsAreNoted) {
  for (const auto& t : catalog.instances()) {
    for (const char* field : {"interfaces", "interface_gbit_per_s", "aggregate_gbit_per_s"}) {
      EXPECT_TRUE(t.sources.count(field)) << t.name << " lacks a source for " << field;
    }
  }
  for (const char* n : {"p5en.48xlarge", "p6-b200.48xlarge", "trn2.48xlarge"}) {
    EXPECT_NE(catalog.find(n)->notes.find("DISAGREE"), std::string::npos) << n;
  }
}

}  // namespace
}  // namespace fabricplan
