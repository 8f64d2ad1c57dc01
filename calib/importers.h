// Importers for measurements people already have: nccl-tests (all_reduce_perf,
// alltoall_perf, all_gather_perf, sendrecv_perf, ... text output), fi_pingpong and
// ib_write_bw. Each reads the whole log and refuses a malformed or truncated one with
// an InputError naming the file and the line; nothing is guessed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fabricplan::calib {

struct CollectiveRow {
  std::uint64_t bytes = 0;
  std::uint64_t count = 0;
  std::string type, redop, root;  // root "-1": no root (all_reduce, all_gather, ...)
  std::size_t line = 0;            // 1-based, for messages
  double time_us = 0, algbw_bytes_per_s = 0, busbw_bytes_per_s = 0;           // out of place
  double in_place_time_us = 0, in_place_algbw_bytes_per_s = 0, in_place_busbw_bytes_per_s = 0;
};

struct CollectiveRun {
  std::string file;
  std::string op;            // all_reduce, alltoall, all_gather, reduce_scatter, sendrecv, ...
  int ranks = 0;             // "#  Rank  N ..." lines
  std::string nccl_version;  // from "# NCCL version" / "NCCL version" lines, when present
  std::vector<CollectiveRow> rows;
  double avg_busbw_bytes_per_s = 0;  // the "# Avg bus bandwidth" line, when present
};

struct PointToPointRow {
  std::uint64_t bytes = 0;
  std::uint64_t iterations = 0;
  double usec_per_xfer = 0;      // fi_pingpong: half round trip; ib_write_bw: derived
  double bytes_per_s = 0;
};

struct PointToPointRun {
  std::string file;
  std::string tool;  // fi_pingpong | ib_write_bw
  std::vector<PointToPointRow> rows;
};

enum class LogKind { kNcclTests, kFiPingpong, kIbWriteBw, kUnknown };
// Recognizes a log by its header lines.
LogKind detect_log(const std::string& path);

CollectiveRun import_nccl_tests(const std::string& path);
PointToPointRun import_fi_pingpong(const std::string& path);
PointToPointRun import_ib_write_bw(const std::string& path);

}  // namespace fabricplan::calib
