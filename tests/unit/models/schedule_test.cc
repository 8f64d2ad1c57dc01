// What check_schedule refuses, each case built by hand.
#include <gtest/gtest.h>

#include "models/schedule/schedule.h"

namespace fabricplan {
namespace {

Schedule two_step_ring() {
  Schedule s;
  s.streams.push_back(ScheduleStream{});
  s.streams[0].source = "/traffic/0";
  Transfer t;
  t.bytes = 100;
  t.src = 0, t.dst = 1;
  auto a = s.add(t);
  t.src = 1, t.dst = 0;
  s.add(t, {a});
  return s;
}

TEST(Schedule, AcceptsADagAndListsDependents) {
  Schedule s = two_step_ring();
  EXPECT_TRUE(check_schedule(s, 2).expected.empty());
  Dependents d = dependents_of(s);
  ASSERT_EQ(d.begin.size(), 3u);
  EXPECT_EQ(d.begin[1] - d.begin[0], 1u);  // transfer 0 frees transfer 1
  EXPECT_EQ(d.list[d.begin[0]], 1u);
  EXPECT_EQ(d.begin[2] - d.begin[1], 0u);
}

TEST(Schedule, RefusesZeroBytesSelfTransfersUnknownEndpointsAndCycles) {
  Schedule s = two_step_ring();
  s.transfers[0].bytes = 0;
  EXPECT_NE(check_schedule(s, 2).found.find("0 bytes"), std::string::npos);

  s = two_step_ring();
  s.transfers[1].dst = 1;
  EXPECT_NE(check_schedule(s, 2).found.find("to itself"), std::string::npos);

  s = two_step_ring();
  EXPECT_NE(check_schedule(s, 1).expected.find("endpoints in [0, 1)"), std::string::npos);

  s = two_step_ring();
  s.deps.push_back(1);  // transfer 0 now also waits for transfer 1, which waits for 0
  s.transfers[0].deps_begin = 1;
  s.transfers[0].deps_end = 2;
  s.transfers[1].deps_begin = 0;
  s.transfers[1].deps_end = 1;
  s.deps[0] = 0;
  ScheduleProblem p = check_schedule(s, 2);
  EXPECT_NE(p.expected.find("without cycles"), std::string::npos);
  EXPECT_NE(p.found.find("2 transfers can never start"), std::string::npos);
}

}  // namespace
}  // namespace fabricplan
