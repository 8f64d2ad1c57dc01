// Request traces (Mooncake JSONL, Azure CSV): read from the project's excerpts of the real
// traces (tests/data/traces, with their attribution), every figure derived here by hand
// from the excerpt's lines; malformed lines refused at their number.
#include "models/workload/request_trace.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "models/json_input/input_error.h"

namespace fabricplan {
namespace {

std::string data(const char* name) { return std::string(FABRICPLAN_SOURCE_DIR) + "/tests/data/traces/" + name; }

std::string temp_file(const std::string& text) {
  char name[] = "/tmp/fabricplan-trace-XXXXXX";
  const int fd = mkstemp(name);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  return name;
}

TEST(RequestTrace, ReadsMooncakesJsonlWithItsPrefixBlocks) {
  const RequestTrace t = read_request_trace(data("mooncake_conversation_excerpt.jsonl"));
  EXPECT_EQ(t.format, "mooncake-jsonl");
  EXPECT_TRUE(t.has_prefix_blocks);
  ASSERT_EQ(t.requests.size(), 300u);
  // Line 1: {"timestamp": 0, "input_length": 6758, "output_length": 500, "hash_ids": [0..13]}.
  EXPECT_DOUBLE_EQ(t.requests[0].arrival_s, 0);
  EXPECT_DOUBLE_EQ(t.requests[0].input_tokens, 6758);
  EXPECT_DOUBLE_EQ(t.requests[0].output_tokens, 500);
  EXPECT_DOUBLE_EQ(t.requests[0].cached_prefix_tokens, 0);
  // Line 2's hash_ids [0, 14, ...]: block 0 was line 1's first block, block 14 is new, so
  // one leading 512-token block is cached.
  EXPECT_DOUBLE_EQ(t.requests[1].cached_prefix_tokens, 512);
  EXPECT_DOUBLE_EQ(kv_tokens(t.requests[1], true), 7322 - 512);
  EXPECT_DOUBLE_EQ(kv_tokens(t.requests[1], false), 7322);
  // The last line's timestamp is 102000 ms: 299 gaps over 102 s.
  EXPECT_DOUBLE_EQ(t.span_s(), 102);
  EXPECT_NEAR(t.rate_per_s(), 299 / 102.0, 1e-12);
}

TEST(RequestTrace, ReadsAzuresCsvFromItsFirstRow) {
  const RequestTrace t = read_request_trace(data("azure_conv_excerpt.csv"));
  EXPECT_EQ(t.format, "azure-csv");
  EXPECT_FALSE(t.has_prefix_blocks);
  ASSERT_EQ(t.requests.size(), 300u);
  // 18:15:46.6805900,374,44 then 18:15:50.9951690,396,109; the last, 18:17:10.7096920.
  EXPECT_DOUBLE_EQ(t.requests[0].input_tokens, 374);
  EXPECT_NEAR(t.requests[1].arrival_s, 50.9951690 - 46.6805900, 1e-6);
  EXPECT_DOUBLE_EQ(t.requests[1].output_tokens, 109);
  EXPECT_NEAR(t.span_s(), (17 * 60 + 10.7096920) - (15 * 60 + 46.6805900), 1e-6);
  const RequestTrace code = read_request_trace(data("azure_code_excerpt.csv"));
  EXPECT_EQ(code.requests.size(), 200u);
}

TEST(RequestTrace, TokenStatisticsAreTheSamplesOwn) {
  // Four requests by hand: tokens 100, 200, 300, 1000 (the last with two cached blocks).
  const std::string path = temp_file(
      "{\"timestamp\": 0, \"input_length\": 100, \"output_length\": 1, \"hash_ids\": [1]}\n"
      "{\"timestamp\": 10, \"input_length\": 200, \"output_length\": 1, \"hash_ids\": [2]}\n"
      "{\"timestamp\": 10, \"input_length\": 300, \"output_length\": 1, \"hash_ids\": [3]}\n"
      "{\"timestamp\": 30, \"input_length\": 1100, \"output_length\": 1, \"hash_ids\": [1, 2, 9]}\n");
  const RequestTrace t = read_request_trace(path);
  std::remove(path.c_str());
  EXPECT_NEAR(t.rate_per_s(), 3 / 0.030, 1e-9);
  EXPECT_DOUBLE_EQ(t.requests[3].cached_prefix_tokens, 1024);  // blocks 1 and 2 seen, then 9 new
  const TraceTokenStats all = trace_token_stats(t, false);
  EXPECT_DOUBLE_EQ(all.mean, (100 + 200 + 300 + 1100) / 4.0);
  EXPECT_DOUBLE_EQ(all.second_moment, (1e4 + 4e4 + 9e4 + 1100.0 * 1100) / 4);
  EXPECT_DOUBLE_EQ(all.p50, 200);   // nearest rank: the 2nd of 4
  EXPECT_DOUBLE_EQ(all.p99, 1100);  // the 4th
  const TraceTokenStats skipped = trace_token_stats(t, true);
  EXPECT_DOUBLE_EQ(skipped.mean, (100 + 200 + 300 + 76) / 4.0);
}

void expect_refused_at(const std::string& text, const std::string& pointer, const std::string& found_part) {
  const std::string path = temp_file(text);
  try {
    read_request_trace(path);
    ADD_FAILURE() << "accepted: " << text;
  } catch (const InputError& e) {
    EXPECT_EQ(e.pointer(), pointer) << text;
    EXPECT_NE(e.found().find(found_part), std::string::npos) << e.found();
  }
  std::remove(path.c_str());
}

TEST(RequestTrace, RefusesAMalformedLineWithItsNumber) {
  const std::string ok = "{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 1}\n";
  expect_refused_at(ok + ok + "{\"timestamp\": 5, \"input_length\": \"ten\", \"output_length\": 1}\n", "line 3", "ten");
  expect_refused_at(ok + "{\"timestamp\": -1, \"input_length\": 10, \"output_length\": 1}\n", "line 2", "-1");
  expect_refused_at(ok + "{\"timestamp\": 1, \"input_length\": 0, \"output_length\": 1}\n", "line 2", "input_length");
  expect_refused_at(ok + "not json\n", "line 2", "not json");
  expect_refused_at(ok + std::string(5000, '[') + "\n", "line 2", "[[[");
  expect_refused_at(ok + "{\"timestamp\": 1, \"input_length\": 5, \"output_length\": 1, \"hash_ids\": [-3]}\n", "line 2", "-3");
  const std::string head = "TIMESTAMP,ContextTokens,GeneratedTokens\n";
  expect_refused_at(head + "2023-11-16 18:15:46.6805900,374,44\n2023-13-16 18:15:46.6,1,1\n", "line 3", "2023-13-16");
  expect_refused_at(head + "2023-11-16 18:15:46.6805900,374\n", "line 2", "374");
  expect_refused_at(head + "2023-11-16 18:15:46.6805900,3x4,44\n", "line 2", "3x4");
  expect_refused_at("time,tokens\n1,2\n", "line 1", "time,tokens");
  expect_refused_at(head, "(document root)", "none");
}

}  // namespace
}  // namespace fabricplan
